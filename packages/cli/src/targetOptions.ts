import type { StsCredsRequestOptions } from '@stscreds/client';
import { type Command, InvalidArgumentError } from 'commander';
import type { GlobalOptions } from './globalOptions.ts';

/** What a command asks the broker for. */
export interface TargetInput {
  readonly account: string;
  readonly role?: string | undefined;
  readonly duration?: number | undefined;
  readonly sessionName?: string | undefined;
  readonly policyArn?: readonly string[] | undefined;
}

const duration = (value: string): number => {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 3600) {
    throw new InvalidArgumentError(
      'must be a whole number of seconds from 900 to 3600 (role chaining caps it at one hour)',
    );
  }
  return seconds;
};

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Declares the target options on a command. */
export function addTargetOptions(command: Command): Command {
  return command
    .option('--role <name>', "the role to assume in the target account (default: the broker's, lambda_sts)")
    .option('--duration <seconds>', 'how long the credentials last, 900-3600', duration)
    .option('--session-name <name>', 'the role session name (default: your own name)')
    .option(
      '--policy-arn <arn>',
      'a managed session policy to scope the credentials down (repeatable)',
      collect,
    );
}

/** The request a command's options describe. */
export function toRequestOptions(target: TargetInput, globals: GlobalOptions): StsCredsRequestOptions {
  return {
    accountId: target.account,
    functionName: globals.functionName,
    region: globals.region,
    ...(globals.audience && { audience: globals.audience }),
    ...(target.role && { roleName: target.role }),
    ...(target.duration && { durationSeconds: target.duration }),
    ...(target.sessionName && { sessionName: target.sessionName }),
    ...(target.policyArn?.length && { policyArns: target.policyArn }),
    ...(globals.endpoint && { endpoint: globals.endpoint }),
    ...(globals.functionUrl && { functionUrl: globals.functionUrl }),
    ...(globals.profile && { profile: globals.profile }),
  };
}

/** The target options as flags, for recording in a profile's credential_process. */
export function targetFlags(target: TargetInput): string[] {
  return [
    ...(target.role ? ['--role', target.role] : []),
    ...(target.duration ? ['--duration', String(target.duration)] : []),
    ...(target.sessionName ? ['--session-name', target.sessionName] : []),
    ...(target.policyArn ?? []).flatMap((arn) => ['--policy-arn', arn]),
  ];
}
