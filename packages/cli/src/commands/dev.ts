import { relative } from 'node:path';
import type { DevOrg, StartDevOrgOptions } from '@stscreds/devorg';
import type { Command } from 'commander';
import { credentialProcessCommand } from '../credentialProcessCommand.ts';

export interface DevInput {
  /** Run the walkthrough, then stop instead of serving. */
  readonly exit: boolean;
  readonly stateDir: string;
}

export interface DevDependencies {
  readonly start: (options: StartDevOrgOptions) => Promise<DevOrg>;
  readonly print: (line: string) => void;
  /** Resolves when the user asks to stop (Ctrl-C). */
  readonly untilInterrupted: () => Promise<void>;
}

type DevOrgShape = typeof import('@stscreds/devorg')['DEV_ORG'];

const describeOrg = (org: DevOrg, DEV_ORG: DevOrgShape, print: (line: string) => void): void => {
  const { seeded, broker, paths } = org;
  print('stscreds dev: a local AWS organization on moto_server');
  print('');
  print(
    `  DevOps   ${DEV_ORG.devopsAccountId}  broker role ${DEV_ORG.brokerRoleName} with policy ${DEV_ORG.brokerPolicyName}`,
  );
  for (const target of seeded.targets) {
    print(
      `  ${target.alias.padEnd(8)} ${target.accountId}  role ${DEV_ORG.targetRoleName}, bucket ${target.bucket}`,
    );
  }
  print(`  callers  ${seeded.callers.map((c) => c.arn).join(', ')}`);
  print(`  moto     ${broker.stsEndpoint}  (signatures and IAM policies enforced)`);
  print(`  broker   ${broker.functionName} on the Lambda Invoke API at ${broker.lambdaEndpoint}`);
  print(`  state    ${paths.dir}`);
  print('');
};

const printNextSteps = (org: DevOrg, print: (line: string) => void): void => {
  const rel = relative(process.cwd(), org.paths.dir) || '.';
  print('');
  print('Try it from another terminal:');
  print(`  source ${rel}/env.sh`);
  print('  aws --profile prod sts get-caller-identity        # credential_process runs stscreds as alice');
  print('  aws --profile prod s3 ls');
  print(
    `  aws --profile prod s3 ls --endpoint-url ${org.moto.endpoint}   # AWS CLI v2 before 2.13 ignores AWS_ENDPOINT_URL`,
  );
  print('  npx stscreds whoami staging --profile alice');
  print('or, without env.sh (the profiles carry their endpoints; the two files name them):');
  const files = `AWS_CONFIG_FILE=${rel}/config AWS_SHARED_CREDENTIALS_FILE=${rel}/credentials`;
  print(`  ${files} aws --profile prod s3 ls`);
  print(`  ${files} npx stscreds exec staging --profile alice -- aws s3 ls`);
  print(`  ${files} npx stscreds get prod --profile bob   # AccessDenied: bob may reach staging only`);
  print(
    `  npx stscreds policy explain ${rel}/access-policy.json --caller arn:aws:iam::111111111111:user/bob --account prod`,
  );
  print(
    `  ${files} npx stscreds doctor --profile operator --broker-profile broker --broker-role ${org.seeded.brokerRoleArn}`,
  );
  print('');
};

/**
 * Runs the local organization: starts it, walks through it, then serves until interrupted
 * (or stops at once with `exit`). Answers the process exit code: 0 only if every step of
 * the walkthrough behaved.
 *
 * @example
 * const code = await runDev({ exit: true, stateDir: '.stscreds/dev' }, deps);
 */
export async function runDev(input: DevInput, deps: DevDependencies): Promise<number> {
  // The local organization is loaded only for this command, so that the others start fast.
  const { DEV_ORG, runWalkthrough } = await import('@stscreds/devorg');
  const org = await deps.start({
    stateDir: input.stateDir,
    // alice may reach every target, so the state folder's target profiles get their credentials as her.
    credentialProcess: (alias) =>
      credentialProcessCommand([
        'get',
        alias,
        '--format',
        'process',
        '--profile',
        'alice',
        '--audience',
        DEV_ORG.audience,
      ]),
  });
  try {
    describeOrg(org, DEV_ORG, deps.print);
    // The walkthrough's deliberate failures would otherwise interleave broker log lines with its report.
    org.logger.setLogLevel('ERROR');
    deps.print('Walkthrough');
    const steps = await runWalkthrough(org, deps.print);
    const ok = steps.every((s) => s.ok);
    deps.print('');
    deps.print(
      ok ? `All ${steps.length} steps behaved.` : `${steps.filter((s) => !s.ok).length} step(s) misbehaved.`,
    );
    if (input.exit) return ok ? 0 : 1;
    printNextSteps(org, deps.print);
    deps.print('Serving until Ctrl-C; the broker logs each invocation below.');
    org.logger.setLogLevel('INFO');
    await deps.untilInterrupted();
    return ok ? 0 : 1;
  } finally {
    await org.stop();
  }
}

export function registerDevCommand(
  program: Command,
  setExitCode: (code: number) => void,
  untilInterrupted: () => Promise<void>,
): void {
  program
    .command('dev')
    .description(
      'run the local organization: moto_server, the broker on the Lambda Invoke API, and a walkthrough',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ stscreds dev            # serve until Ctrl-C\n  $ stscreds dev --exit     # walk through, then stop: 0 only if every step behaved',
    )
    .option('--exit', 'run the walkthrough and exit: 0 only if every step behaved', false)
    .option('--state-dir <dir>', 'where to write broker.json and the AWS profiles', '.stscreds/dev')
    .action(async (options: { exit: boolean; stateDir: string }) => {
      setExitCode(
        await runDev(options, {
          start: async (options) => (await import('@stscreds/devorg')).startDevOrg(options),
          print: (line) => process.stdout.write(`${line}\n`),
          untilInterrupted,
        }),
      );
    });
}
