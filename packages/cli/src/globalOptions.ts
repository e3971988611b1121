import type { Command } from 'commander';

/** How to reach the broker and who the caller is: the options every command shares. */
export interface GlobalOptions {
  readonly functionName: string;
  readonly region: string;
  /** The broker's Lambda endpoint, when not AWS's. */
  readonly endpoint?: string | undefined;
  /** The broker's Function URL: requests go there, SigV4-signed, instead of through Lambda Invoke. */
  readonly functionUrl?: string | undefined;
  /** The caller's shared-config profile. */
  readonly profile?: string | undefined;
  /** What identity proofs sign; undefined leaves it to the client (the function's ARN, if given as one). */
  readonly audience?: string | undefined;
  readonly verbose: boolean;
}

/** The shared options' defaults, some from the environment. */
export function globalDefaults(env: NodeJS.ProcessEnv = process.env): {
  readonly functionName: string;
  readonly region: string;
  readonly audience: string | undefined;
} {
  return {
    functionName: env.STSCREDS_FUNCTION ?? 'getSTScreds',
    region: env.STSCREDS_REGION ?? 'us-west-2',
    audience: env.STSCREDS_AUDIENCE || undefined,
  };
}

/** Declares the shared options on the program. */
export function addGlobalOptions(program: Command): Command {
  const defaults = globalDefaults();
  return program
    .option('--function <name>', 'the broker function', defaults.functionName)
    .option('--region <region>', "the broker's region", defaults.region)
    .option('--endpoint <url>', "the broker's Lambda endpoint (default: the SDK's, AWS_ENDPOINT_URL_LAMBDA)")
    .option('--function-url <url>', "the broker's Function URL, instead of the Lambda Invoke API")
    .option('--profile <name>', "the caller's AWS profile (default: AWS_PROFILE, then the default chain)")
    .option(
      '--audience <value>',
      "the broker's audience (default: STSCREDS_AUDIENCE, else the function's ARN when --function is one)",
      defaults.audience,
    )
    .option('--verbose', 'say what happens on stderr', false);
}

/** Reads the shared options as the commands need them. */
export function readGlobalOptions(program: Command): GlobalOptions {
  const raw = program.opts<{
    function: string;
    region: string;
    endpoint?: string;
    functionUrl?: string;
    profile?: string;
    audience?: string;
    verbose: boolean;
  }>();
  return {
    functionName: raw.function,
    region: raw.region,
    endpoint: raw.endpoint,
    functionUrl: raw.functionUrl,
    profile: raw.profile ?? process.env.AWS_PROFILE,
    audience: raw.audience,
    verbose: raw.verbose,
  };
}

/** The shared options as command-line flags, for recording in a profile's credential_process. */
export function globalFlags(options: GlobalOptions): string[] {
  return [
    ...(options.functionName !== 'getSTScreds' ? ['--function', options.functionName] : []),
    ...(options.region !== 'us-west-2' ? ['--region', options.region] : []),
    ...(options.endpoint ? ['--endpoint', options.endpoint] : []),
    ...(options.functionUrl ? ['--function-url', options.functionUrl] : []),
    ...(options.profile ? ['--profile', options.profile] : []),
    ...(options.audience ? ['--audience', options.audience] : []),
  ];
}
