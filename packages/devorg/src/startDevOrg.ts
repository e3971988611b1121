import type { Logger } from '@aws-lambda-powertools/logger';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import {
  type BrokerConfig,
  type BrokerHandler,
  createHandler,
  createLogger,
  createStsClient,
  loadAccessPolicy,
} from '@stscreds/broker';
import { DEV_ORG, devAccessPolicy } from './defaults.ts';
import type { SeededOrganization } from './seedOrganization.ts';
import { type FederationServer, serveFederationEndpoint } from './serveFederationEndpoint.ts';
import { type FunctionUrlServer, serveFunctionUrl } from './serveFunctionUrl.ts';
import { type LambdaInvokeServer, serveLambdaInvoke } from './serveLambdaInvoke.ts';
import type { MotoServer } from './startMotoServer.ts';
import { startSeededMoto } from './startSeededMoto.ts';
import { type BrokerState, type DevStatePaths, devEnvironment, writeDevState } from './writeDevState.ts';

export interface StartDevOrgOptions {
  /** Where the state folder goes. Default: `.stscreds/dev` under the working directory. */
  readonly stateDir?: string;
  /** The moto_server executable. Default: `moto_server` on PATH. */
  readonly motoCommand?: string;
  /** The broker's logger. Default: the broker's own Powertools logger. */
  readonly logger?: Logger;
  /**
   * The credential_process command of a profile for a target alias, as the `stscreds` CLI
   * writes it; with it, the state folder gains a profile per target.
   */
  readonly credentialProcess?: (alias: string) => string;
}

/** A running local organization. */
export interface DevOrg {
  readonly moto: MotoServer;
  readonly lambda: LambdaInvokeServer;
  /** The same broker on a Function URL with AWS_IAM auth. */
  readonly functionUrl: FunctionUrlServer;
  /** A stand-in for the AWS federation endpoint, for `stscreds console`. */
  readonly federation: FederationServer;
  readonly seeded: SeededOrganization;
  readonly broker: BrokerState;
  readonly handler: BrokerHandler;
  readonly logger: Logger;
  readonly paths: DevStatePaths;
  /** The variables `env.sh` exports, which point the AWS CLI, the SDKs and stscreds here. */
  readonly environment: Readonly<Record<string, string>>;
  /** Stops the Lambda endpoint and moto; safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Brings up the whole local organization: moto with the seeded accounts and IAM enforced,
 * the broker running as its own role's session, served on the Lambda Invoke API, and the
 * state folder that tells clients where all of it is.
 *
 * @example
 * const org = await startDevOrg({ stateDir: '.stscreds/dev' });
 * try { … } finally { await org.stop(); }
 */
export async function startDevOrg(options: StartDevOrgOptions = {}): Promise<DevOrg> {
  const { moto, org: seeded } = await startSeededMoto({
    ...(options.motoCommand && { command: options.motoCommand }),
  });
  let lambda: LambdaInvokeServer | undefined;
  let functionUrl: FunctionUrlServer | undefined;
  let federation: FederationServer | undefined;
  const stop = async (): Promise<void> => {
    await lambda?.close();
    await functionUrl?.close();
    await federation?.close();
    await moto.stop();
  };
  try {
    // As on Lambda, the broker holds a session of its execution role, renewed before it expires.
    const credentials = fromTemporaryCredentials({
      params: { RoleArn: seeded.brokerRoleArn, RoleSessionName: DEV_ORG.functionName, DurationSeconds: 3600 },
      masterCredentials: seeded.operator.credentials,
      clientConfig: { endpoint: moto.endpoint, region: DEV_ORG.region },
    });
    const logger = options.logger ?? createLogger();
    const accessPolicy = JSON.stringify(devAccessPolicy(), null, 2);
    // The broker reads its policy from SSM, as a deployed one does, so that a change (such as a
    // revocation) reaches the running broker within the policy's cache age.
    await new SSMClient({
      endpoint: moto.endpoint,
      region: DEV_ORG.region,
      credentials: seeded.operator.credentials,
    }).send(
      new PutParameterCommand({ Name: DEV_ORG.accessPolicyParameter, Value: accessPolicy, Type: 'String' }),
    );
    const ssm = new SSMProvider({
      clientConfig: { endpoint: moto.endpoint, region: DEV_ORG.region, credentials },
    });
    const config: BrokerConfig = {
      region: DEV_ORG.region,
      partition: 'aws',
      proofPartitions: ['aws'],
      accountId: DEV_ORG.devopsAccountId,
      defaultRoleName: DEV_ORG.targetRoleName,
      audience: DEV_ORG.audience,
      // Identity proofs may go to this moto, and to no other local endpoint.
      extraStsOrigins: [moto.endpoint],
      entry: 'invoke',
      policySource: {
        kind: 'ssm',
        name: DEV_ORG.accessPolicyParameter,
        maxAgeSeconds: DEV_ORG.accessPolicyMaxAgeSeconds,
      },
      cache: { maxEntries: 10_000, minRemainingMs: 15 * 60_000 },
    };
    const handler = createHandler({
      config,
      sts: createStsClient({ region: DEV_ORG.region }, { endpoint: moto.endpoint, credentials }),
      logger,
      loadPolicy: loadAccessPolicy(config.policySource, ssm),
    });
    lambda = await serveLambdaInvoke({
      functionName: DEV_ORG.functionName,
      region: DEV_ORG.region,
      accountId: DEV_ORG.devopsAccountId,
      handler,
    });
    // The Function URL gets a broker of its own that takes URL events only: a Function URL event
    // sent through the Invoke API could claim any caller (docs/identity-proof.md). Lambda names
    // its callers, so it checks no proof and has no audience, as deployed.
    const { audience: _audience, ...withoutAudience } = config;
    const urlConfig: BrokerConfig = { ...withoutAudience, entry: 'url' };
    functionUrl = await serveFunctionUrl({
      region: DEV_ORG.region,
      users: seeded.callers,
      handler: createHandler({
        config: urlConfig,
        sts: createStsClient({ region: DEV_ORG.region }, { endpoint: moto.endpoint, credentials }),
        logger,
        loadPolicy: loadAccessPolicy(urlConfig.policySource, ssm),
      }),
    });
    federation = await serveFederationEndpoint({ stsEndpoint: moto.endpoint, region: DEV_ORG.region });
    const broker: BrokerState = {
      lambdaEndpoint: lambda.endpoint,
      functionUrl: functionUrl.url,
      federationEndpoint: federation.url,
      accessPolicyParameter: DEV_ORG.accessPolicyParameter,
      accessPolicyMaxAgeSeconds: DEV_ORG.accessPolicyMaxAgeSeconds,
      functionName: DEV_ORG.functionName,
      audience: DEV_ORG.audience,
      stsEndpoint: moto.endpoint,
      region: DEV_ORG.region,
    };
    const paths = await writeDevState(options.stateDir ?? DEV_ORG.stateDir, {
      broker,
      callers: seeded.callers,
      operator: { user: seeded.operator, brokerRoleArn: seeded.brokerRoleArn },
      accessPolicy,
      ...(options.credentialProcess && {
        targetProfiles: DEV_ORG.targets.map((t) => ({
          name: t.alias,
          credentialProcess: (options.credentialProcess as (alias: string) => string)(t.alias),
        })),
      }),
    });
    const environment = devEnvironment(paths, broker);
    return {
      moto,
      lambda,
      functionUrl,
      federation,
      seeded,
      broker,
      handler,
      logger,
      paths,
      environment,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
