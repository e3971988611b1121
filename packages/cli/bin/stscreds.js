#!/usr/bin/env node
// The CLI runs from its bundle, built at pack time (`npm run build` in packages/cli).
import module from 'node:module';

// Node.js 22.1 and later keep the compiled bundle between runs: every AWS call may start this CLI.
module.enableCompileCache?.();
try {
  await import('../dist/stscreds.mjs');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('stscreds.mjs')) throw error;
  process.stderr.write('stscreds: the bundle is missing; run `npm run build -w @stscreds/cli` first\n');
  process.exitCode = 1;
}
