/**
 * The `stscreds` executable's start, bundled as CommonJS (`dist/stscreds.cjs`): what a process
 * needs before `main` runs, the answer of a warm `credential_process` from the cache, and
 * otherwise the CLI itself, an ES module (`dist/stscreds.mjs`).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { answerFromCache } from './answerFromCache.ts';

// The AWS SDK warns on every start under Node.js 20 about its future support; a command whose
// output other programs read (credential_process, eval) must not carry that noise.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : `${warning?.name}: ${warning?.message}`;
  const first = rest[0] as string | { type?: string } | undefined;
  const type = typeof first === 'string' ? first : first?.type;
  if (type === 'NodeVersionSupportWarning' || text.includes('NodeVersionSupportWarning')) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

// A reader that closes the pipe early (`stscreds --help | head -1`) ends the command quietly,
// with the status a shell reports for a command that SIGPIPE stopped.
const SIGPIPE_EXIT = 141;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(SIGPIPE_EXIT);
  });
}

// A credential_process call whose credentials are cached is answered before the CLI loads;
// everything else, a miss included, runs the whole command.
void answerFromCache(process.argv)
  .catch(() => undefined)
  .then(async (cached) => {
    if (cached !== undefined) process.stdout.write(`${cached}\n`);
    else await import(pathToFileURL(join(__dirname, 'stscreds.mjs')).href);
  });
