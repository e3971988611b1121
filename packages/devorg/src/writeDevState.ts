import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DevUser } from './seedOrganization.ts';

/** What a client needs to find the local broker; written as `broker.json`. */
export interface BrokerState {
  readonly lambdaEndpoint: string;
  /** The broker on a local Function URL with AWS_IAM auth. */
  readonly functionUrl: string;
  /** A stand-in for the AWS federation endpoint, for `stscreds console`. */
  readonly federationEndpoint?: string;
  /** The SSM parameter the broker reads its access policy from, and how long it keeps it. */
  readonly accessPolicyParameter?: string;
  readonly accessPolicyMaxAgeSeconds?: number;
  readonly functionName: string;
  readonly audience: string;
  readonly stsEndpoint: string;
  readonly region: string;
}

export interface DevState {
  readonly broker: BrokerState;
  /** The profiles of the config and credentials files, one per caller. */
  readonly callers: readonly DevUser[];
  /** The broker's access policy document, as JSON. */
  readonly accessPolicy: string;
  /**
   * The organization's administrator, as profile `operator`, and a profile `broker` that
   * assumes the broker's role from it: what `stscreds doctor` and `stscreds revoke` run as.
   */
  readonly operator?: { readonly user: DevUser; readonly brokerRoleArn: string };
  /** Profiles whose credentials come from the broker, such as `prod`, by their credential_process. */
  readonly targetProfiles?: readonly { readonly name: string; readonly credentialProcess: string }[];
}

/** The files of the state folder, as absolute paths. */
export interface DevStatePaths {
  readonly dir: string;
  readonly brokerJson: string;
  readonly config: string;
  readonly credentials: string;
  readonly envScript: string;
  readonly accessPolicy: string;
}

const SERVICES_SECTION = 'stscreds-dev';

const configFile = (state: DevState): string => {
  const profiles = [
    ...state.callers.map(
      (caller) =>
        `[profile ${caller.name}]\nregion = ${state.broker.region}\nservices = ${SERVICES_SECTION}\n`,
    ),
    ...(state.operator
      ? [
          `[profile operator]\nregion = ${state.broker.region}\nservices = ${SERVICES_SECTION}\n`,
          `[profile broker]\nrole_arn = ${state.operator.brokerRoleArn}\nsource_profile = operator\nrole_session_name = stscreds-operator\nregion = ${state.broker.region}\nservices = ${SERVICES_SECTION}\n`,
        ]
      : []),
    ...(state.targetProfiles ?? []).map(
      (target) =>
        `[profile ${target.name}]\ncredential_process = ${target.credentialProcess}\nregion = ${state.broker.region}\nservices = ${SERVICES_SECTION}\n`,
    ),
  ];
  const endpoints = [
    ['lambda', state.broker.lambdaEndpoint],
    ['sts', state.broker.stsEndpoint],
    ['iam', state.broker.stsEndpoint],
    ['organizations', state.broker.stsEndpoint],
    ['ssm', state.broker.stsEndpoint],
    ['s3', state.broker.stsEndpoint],
  ].map(([service, url]) => `${service} =\n  endpoint_url = ${url}\n`);
  return [
    '# Written by `stscreds dev`: profiles of the local organization, whose endpoints are on this machine.',
    ...profiles,
    `[services ${SERVICES_SECTION}]\n${endpoints.join('')}`,
  ].join('\n');
};

const credentialsFile = (state: DevState): string =>
  [
    '# Written by `stscreds dev`: keys of the local organization, valid only on its moto_server.',
    ...[...state.callers, ...(state.operator ? [{ ...state.operator.user, name: 'operator' }] : [])].map(
      (caller) =>
        `[${caller.name}]\naws_access_key_id = ${caller.credentials.accessKeyId}\naws_secret_access_key = ${caller.credentials.secretAccessKey}\n`,
    ),
  ].join('\n');

/**
 * The variables that point the AWS CLI, the SDKs and stscreds at the local organization, as
 * `env.sh` exports them: the two shared files, moto and the broker's Lambda endpoint, the
 * region (also as `AWS_DEFAULT_REGION`, the only one boto3 and the AWS CLI v1 read), the
 * audience the local broker's proofs must sign, and where the federation endpoint and the
 * access policy's parameter are.
 *
 * @example
 * spawn('stscreds', ['get', 'prod'], { env: { ...process.env, ...devEnvironment(paths, broker) } });
 */
export function devEnvironment(paths: DevStatePaths, broker: BrokerState): Record<string, string> {
  return {
    AWS_CONFIG_FILE: paths.config,
    AWS_SHARED_CREDENTIALS_FILE: paths.credentials,
    AWS_ENDPOINT_URL: broker.stsEndpoint,
    AWS_ENDPOINT_URL_LAMBDA: broker.lambdaEndpoint,
    AWS_REGION: broker.region,
    AWS_DEFAULT_REGION: broker.region,
    STSCREDS_AUDIENCE: broker.audience,
    ...(broker.federationEndpoint && { STSCREDS_FEDERATION_ENDPOINT: broker.federationEndpoint }),
    ...(broker.accessPolicyParameter && {
      STSCREDS_ACCESS_POLICY_PARAMETER: broker.accessPolicyParameter,
      STSCREDS_ACCESS_POLICY_MAX_AGE_SECONDS: String(broker.accessPolicyMaxAgeSeconds ?? 300),
    }),
  };
}

/**
 * Writes the state folder that clients of the local organization read: `broker.json`, an
 * AWS `config` and `credentials` file with a profile per caller, the broker's
 * `access-policy.json`, and `env.sh`, which points the AWS CLI and SDKs at those files.
 *
 * @example
 * const paths = await writeDevState('.stscreds/dev', { broker, callers });
 * // AWS_CONFIG_FILE=paths.config AWS_SHARED_CREDENTIALS_FILE=paths.credentials aws --profile alice …
 */
export async function writeDevState(dir: string, state: DevState): Promise<DevStatePaths> {
  const root = resolve(dir);
  const paths: DevStatePaths = {
    dir: root,
    brokerJson: resolve(root, 'broker.json'),
    config: resolve(root, 'config'),
    credentials: resolve(root, 'credentials'),
    envScript: resolve(root, 'env.sh'),
    accessPolicy: resolve(root, 'access-policy.json'),
  };
  await mkdir(root, { recursive: true, mode: 0o700 });
  await chmod(root, 0o700);
  const files: [string, string][] = [
    [paths.brokerJson, `${JSON.stringify(state.broker, null, 2)}\n`],
    [paths.config, configFile(state)],
    [paths.credentials, credentialsFile(state)],
    [paths.accessPolicy, `${state.accessPolicy}\n`],
    [
      paths.envScript,
      [
        '# source me: points the AWS CLI, the SDKs and stscreds at the local organization',
        ...Object.entries(devEnvironment(paths, state.broker)).map(
          ([name, value]) => `export ${name}='${value}'`,
        ),
        '',
      ].join('\n'),
    ],
  ];
  for (const [path, text] of files) {
    await writeFile(path, text, { mode: 0o600 });
    await chmod(path, 0o600);
  }
  return paths;
}
