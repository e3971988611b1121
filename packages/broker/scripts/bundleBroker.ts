import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { build } from 'esbuild';

/** Where `npm run bundle -w @stscreds/broker` writes the Lambda asset. */
export const BROKER_BUNDLE = resolve(import.meta.dirname, '../dist/lambda/index.mjs');

/**
 * Bundles the broker's Lambda entry into one minified ES module with every dependency inside,
 * the AWS SDK included: the function runs the versions the tests ran, not whichever the Lambda
 * runtime ships. The workspace packages come from their sources (`@stscreds/source`), the
 * others from the lockfile's versions. Its handler is `index.handler`.
 *
 * @example
 * await bundleBroker(); // packages/broker/dist/lambda/index.mjs
 */
export async function bundleBroker(
  outfile: string = BROKER_BUNDLE,
  /** Another handler to bundle the same way, such as the benchmarks' baseline. */
  entry: string = resolve(import.meta.dirname, '../src/handler.ts'),
): Promise<string> {
  await mkdir(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    conditions: ['@stscreds/source'],
    // Some dependencies still call require(); this gives them one inside an ES module.
    banner: {
      js: "import { createRequire as __stscredsRequire } from 'node:module'; const require = __stscredsRequire(import.meta.url);",
    },
    legalComments: 'none',
    logLevel: 'error',
  });
  return outfile;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  console.log(await bundleBroker(process.argv[2] ? resolve(process.argv[2]) : undefined));
}
