import { urlFunctionNameOf } from '@stscreds/iam';
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { StsCredsInfraConfig } from '../config.ts';
import { AccessPolicyParameter } from '../constructs/AccessPolicyParameter.ts';
import { BrokerAlarms } from '../constructs/BrokerAlarms.ts';
import { BrokerExecutionRole } from '../constructs/BrokerExecutionRole.ts';
import { BrokerFunction } from '../constructs/BrokerFunction.ts';

export interface BrokerStackProps extends StackProps {
  readonly config: StsCredsInfraConfig;
  /** A TypeScript broker entry to bundle at synth instead of the shipped bundle. @default - the bundle this package ships */
  readonly entry?: string;
}

const invokerPrincipal = (entry: string): iam.IPrincipal =>
  /^[0-9]{12}$/.test(entry) ? new iam.AccountPrincipal(entry) : new iam.ArnPrincipal(entry);

/**
 * The DevOps account's half: the getSTScreds function, its execution role with
 * `sts_assumerole`, who may invoke it, the access policy in SSM, its logs and alarms. With
 * `functionUrl`, a second function, `<functionName>-url`, takes the Function URL: it shares
 * the role and the policy, and nobody may invoke it except through its `AWS_IAM` URL, so no
 * direct invoker can hand it a Function URL event that names someone else.
 *
 * @example
 * new BrokerStack(app, 'StsCredsBroker', { config, env: { account: config.brokerAccountId, region: config.broker.region } });
 */
export class BrokerStack extends Stack {
  /** Takes direct invokes. */
  readonly function: lambda.Function;
  /** Takes Function URL requests only; with `broker.functionUrl`. */
  readonly urlFunction: lambda.Function | undefined;
  readonly functionUrl: lambda.FunctionUrl | undefined;
  readonly role: iam.IRole;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BrokerStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { broker, target } = config;
    const executionRole = new BrokerExecutionRole(this, 'ExecutionRole', {
      roleName: broker.roleName,
      importExisting: broker.importRole,
      targetRoleName: target.roleName,
      organizationId: config.organizationId,
      targetAccountIds: config.targetAccountIds,
    });
    const accessPolicy = new AccessPolicyParameter(this, 'AccessPolicy', {
      parameterName: broker.accessPolicyParameterName,
      accessPolicy: broker.accessPolicy,
    });
    const common = {
      role: executionRole.role,
      accessPolicyParameter: accessPolicy.parameter,
      accessPolicyMaxAgeSeconds: broker.accessPolicyMaxAgeSeconds,
      audience: broker.audience,
      defaultRoleName: target.roleName,
      reservedConcurrency: broker.reservedConcurrency,
      memorySize: broker.memorySize,
      logRetention: broker.logRetentionDays as logs.RetentionDays,
      ...(props.entry && { entry: props.entry }),
    };
    const fn = new BrokerFunction(this, 'Broker', { ...common, functionName: broker.functionName });
    const url = broker.functionUrl
      ? new BrokerFunction(this, 'UrlBroker', {
          ...common,
          functionName: urlFunctionNameOf(broker.functionName),
          takes: 'url',
        })
      : undefined;
    // The function must not run before it may assume anything.
    for (const each of [fn, url]) each?.function.node.addDependency(executionRole.assumeRolePolicy);

    const invokers: iam.IPrincipal[] =
      broker.invokers.kind === 'organization' && config.organizationId
        ? [new iam.OrganizationPrincipal(config.organizationId)]
        : broker.invokers.kind === 'principals'
          ? broker.invokers.principals.map(invokerPrincipal)
          : [];
    for (const principal of invokers) {
      fn.function.grantInvoke(principal);
      url?.grantInvokeUrl(principal);
    }

    new BrokerAlarms(this, 'Alarms', {
      function: fn.function,
      functionName: broker.functionName,
      deniedSpikeThreshold: broker.deniedSpikeThreshold,
      alarmTopicArn: broker.alarmTopicArn,
      ...(url && { urlFunction: url.function }),
    });
    this.function = fn.function;
    this.urlFunction = url?.function;
    this.functionUrl = url?.functionUrl;
    this.role = executionRole.role;
    this.logGroup = fn.logGroup;
  }
}
