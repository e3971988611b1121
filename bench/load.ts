/**
 * `npm run bench:load`: 20,000 requests at concurrency 64 against the local organization's
 * Lambda endpoint, mostly cache hits, with misses and denials. It prints a table, writes
 * bench/out/load-results.json (ignored by git), and fails when any request failed or the time limit cut it short.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { formatLoadResult, runLoad } from './runLoad.ts';

const result = await runLoad({ onProgress: (line) => process.stderr.write(`${line}\n`) });
process.stdout.write(`${formatLoadResult(result)}\n`);
const out = new URL('./out/', import.meta.url);
await mkdir(out, { recursive: true });
await writeFile(new URL('load-results.json', out), `${JSON.stringify(result, null, 2)}\n`);
if (result.errors.total > 0 || result.aborted) process.exitCode = 1;
