import { Logger } from '@aws-lambda-powertools/logger';

/** Everything written to stdout and stderr while `run` runs, line by line. */
export async function captureOutput<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const original = { out: process.stdout.write, err: process.stderr.write };
  const capture = (chunk: unknown): boolean => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    return { result: await run(), lines };
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }
}

/** A real Powertools logger, at debug level so that nothing it could write goes unseen. */
export const verboseLogger = (): Logger => new Logger({ serviceName: 'getSTScreds', logLevel: 'DEBUG' });

export const context = (awsRequestId = '7f8e4c1a-0000-4000-8000-000000000001') => ({ awsRequestId });

export const config = { region: 'us-west-2', partition: 'aws', defaultRoleName: 'lambda_sts' } as const;
