import { type Command, InvalidArgumentError } from 'commander';
import { DURATION_PROBLEM, durationSeconds, type TargetInput } from './requestOptions.ts';

const duration = (value: string): number => {
  const seconds = durationSeconds(value);
  if (seconds === undefined) throw new InvalidArgumentError(DURATION_PROBLEM);
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

/** The target options as flags, for recording in a profile's credential_process. */
export function targetFlags(target: TargetInput): string[] {
  return [
    ...(target.role ? ['--role', target.role] : []),
    ...(target.duration ? ['--duration', String(target.duration)] : []),
    ...(target.sessionName ? ['--session-name', target.sessionName] : []),
    ...(target.policyArn ?? []).flatMap((arn) => ['--policy-arn', arn]),
  ];
}
