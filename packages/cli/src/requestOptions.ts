import type { StsCredsRequestOptions } from '@stscreds/client';
import type { GlobalOptions } from './globalOptions.ts';

/** What a command asks the broker for. */
export interface TargetInput {
  readonly account: string;
  readonly role?: string | undefined;
  readonly duration?: number | undefined;
  readonly sessionName?: string | undefined;
  readonly policyArn?: readonly string[] | undefined;
}

/** Role chaining caps a session at one hour; STS's floor is 15 minutes. */
export const DURATION_PROBLEM =
  'must be a whole number of seconds from 900 to 3600 (role chaining caps it at one hour)';

/** `--duration`'s value as seconds, or undefined when it is not one the broker may grant. */
export function durationSeconds(value: string): number | undefined {
  const seconds = Number(value);
  return Number.isInteger(seconds) && seconds >= 900 && seconds <= 3600 ? seconds : undefined;
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
