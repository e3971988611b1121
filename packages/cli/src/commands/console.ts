import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { buildLoginUrl } from '../console/buildLoginUrl.ts';
import { consoleDestination } from '../console/consoleDestination.ts';
import { consoleEndpoints } from '../console/consoleEndpoints.ts';
import { requestSigninToken } from '../console/requestSigninToken.ts';
import { type GlobalOptions, readGlobalOptions } from '../globalOptions.ts';
import { type TargetInput, toRequestOptions } from '../requestOptions.ts';
import { addTargetOptions } from '../targetOptions.ts';
import { fetchCredentials } from './get.ts';

export interface ConsoleInput extends TargetInput {
  /** A console path (`s3`, `cloudwatch/home`) or an https URL of the console. */
  readonly destination?: string | undefined;
  /** The console's region. Default: the broker's. */
  readonly consoleRegion?: string | undefined;
  readonly issuer: string;
  /** Another federation endpoint, such as a local stand-in. Default: the partition's. */
  readonly federationEndpoint?: string | undefined;
  readonly open: boolean;
  readonly cache: boolean;
}

export interface ConsoleDependencies {
  readonly print: (line: string) => void;
  readonly note: (line: string) => void;
  /** Opens a URL in the user's browser; rejects when it cannot. */
  readonly openUrl: (url: string) => Promise<void>;
  readonly now: () => number;
  readonly fetch?: typeof fetch;
  readonly cacheDir?: string;
}

/** AWS accepts a sign-in URL for 15 minutes after the federation endpoint made its token. */
export const SIGNIN_URL_VALIDITY_MS = 15 * 60_000;

const clock = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * `stscreds console`: gets credentials for a target account from the broker, exchanges them
 * for a sign-in token at the AWS federation endpoint, and prints (or opens) a console sign-in
 * URL whose only credential is that token.
 *
 * @example
 * await runConsole({ account: 'prod', destination: 's3', issuer: 'stscreds', open: false, cache: true }, globals, deps);
 * // https://signin.aws.amazon.com/federation?Action=login&Issuer=stscreds&Destination=…&SigninToken=…
 */
export async function runConsole(
  input: ConsoleInput,
  globals: GlobalOptions,
  deps: ConsoleDependencies,
): Promise<number> {
  const region = input.consoleRegion ?? globals.region;
  const endpoints = consoleEndpoints(region);
  const federationEndpoint = input.federationEndpoint ?? endpoints.federation;
  // A destination outside the console is refused before the broker is asked for anything.
  const destination = consoleDestination(input.destination, region, endpoints);
  const credentials = await fetchCredentials(toRequestOptions(input, globals), globals, {
    cache: input.cache,
    cacheDir: deps.cacheDir,
  });
  const signinToken = await requestSigninToken(credentials, {
    federationEndpoint,
    ...(deps.fetch && { fetch: deps.fetch }),
  });
  const url = buildLoginUrl(federationEndpoint, { issuer: input.issuer, destination, signinToken });
  const now = deps.now();
  const minutes = Math.max(0, Math.round((Date.parse(credentials.Expiration) - now) / 60_000));
  deps.note(`stscreds: console sign-in for ${credentials.AssumedRoleArn}`);
  deps.note(
    `  the URL is valid for 15 minutes (until ${clock(now + SIGNIN_URL_VALIDITY_MS)}); treat it as a secret`,
  );
  deps.note(
    `  the console session ends with the credentials, at ${credentials.Expiration} (in ${minutes} min): the broker's sessions come from role chaining, which AWS caps at one hour, so run stscreds console again for more`,
  );
  if (!input.open) {
    deps.print(url);
    return 0;
  }
  try {
    await deps.openUrl(url);
  } catch {
    deps.note('stscreds: could not open a browser; open this URL yourself:');
    deps.print(url);
  }
  return 0;
}

/** The platform's way to open a URL in the default browser. */
const openInBrowser = (url: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const [command, args] =
      process.platform === 'darwin'
        ? ['open', [url]]
        : process.platform === 'win32'
          ? ['cmd', ['/c', 'start', '""', url]]
          : ['xdg-open', [url]];
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });

export function registerConsoleCommand(program: Command, setExitCode: (code: number) => void): void {
  addTargetOptions(
    program
      .command('console')
      .argument('<account>', 'the target account id, or an alias of the access policy')
      .description('open the AWS console in a target account, with credentials from the broker')
      .option('--destination <page>', 'a console path (s3, cloudwatch/home) or an https URL of the console')
      .option('--console-region <region>', "the console's region (default: the broker's)")
      .option('--open', 'open the URL in the default browser instead of printing it', false)
      .option('--issuer <name>', 'the Issuer the sign-in names', 'stscreds')
      .option(
        '--federation-endpoint <url>',
        "the federation endpoint (default: the partition's, such as https://signin.aws.amazon.com/federation; STSCREDS_FEDERATION_ENDPOINT)",
        process.env.STSCREDS_FEDERATION_ENDPOINT,
      )
      .option('--no-cache', 'always ask the broker, and keep nothing on disk'),
  )
    .addHelpText(
      'after',
      `
The URL carries a sign-in token, never the keys; AWS accepts it for 15 minutes. The console
session lasts as long as the credentials: the broker's sessions come from role chaining, so
at most one hour (--duration 900-3600).

Examples:
  $ stscreds console prod --profile alice                  # prints the sign-in URL
  $ stscreds console prod --open --destination s3          # opens the S3 console in us-west-2
  $ stscreds console staging --console-region eu-west-1 --destination cloudwatch/home --duration 1800`,
    )
    .action(async (account: string, options: Omit<ConsoleInput, 'account'>) => {
      setExitCode(
        await runConsole({ ...options, account }, readGlobalOptions(program) satisfies GlobalOptions, {
          print: (line) => process.stdout.write(`${line}\n`),
          note: (line) => process.stderr.write(`${line}\n`),
          openUrl: openInBrowser,
          now: Date.now,
        }),
      );
    });
}
