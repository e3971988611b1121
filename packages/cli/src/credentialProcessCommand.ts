import { realpathSync } from 'node:fs';

const SAFE = /^[\w@%+=:,./-]+$/;

/** Quotes an argument for the shell that runs credential_process (the SDKs use one; the AWS CLI splits like one). */
const quote = (arg: string): string => (SAFE.test(arg) ? arg : `"${arg.replace(/(["\\$`])/g, '\\$1')}"`);

/**
 * The command line that runs this very CLI with `args`, by absolute paths, so that it works
 * from any directory and with any PATH, as the AWS CLI and SDKs run credential_process.
 *
 * @example
 * credentialProcessCommand(['get', 'prod', '--format', 'process']);
 * // '/usr/bin/node /opt/stscreds/bin/stscreds.js get prod --format process'
 */
export function credentialProcessCommand(args: readonly string[], script = process.argv[1]): string {
  if (!script) throw new Error('cannot tell where the stscreds command lives');
  return [process.execPath, realpathSync(script), ...args].map(quote).join(' ');
}
