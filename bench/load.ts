/**
 * `npm run bench:load`: 20,000 requests at concurrency 64 against the local organization's
 * Lambda endpoint, mostly cache hits, with misses and denials. It prints a table, writes
 * bench/load-results.json, and fails when any request failed or the time limit cut it short.
 */
import { writeFile } from 'node:fs/promises';
import { formatLoadResult, runLoad } from './runLoad.ts';

const result = await runLoad({ onProgress: (line) => process.stderr.write(`${line}\n`) });
process.stdout.write(`${formatLoadResult(result)}\n`);
await writeFile(new URL('./load-results.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
if (result.errors.total > 0 || result.aborted) process.exitCode = 1;
