import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { StsCredsInfraConfig } from '../config.ts';
import { AccessPolicyParameter } from '../constructs/AccessPolicyParameter.ts';
import { BrokerAlarms } from '../constructs/BrokerAlarms.ts';
import { BrokerExecutionRole } from '../constructs/BrokerExecutionRole.ts';
import { BrokerFunction } from '../constructs/BrokerFunction.ts';

export interface BrokerStackProps extends StackProps {
  readonly config: StsCredsInfraConfig;
  /** The handler's source. @default - the broker package's `src/handler.ts` */
  readonly entry?: string;
}

const invokerPrincipal = (entry: string): iam.IPrincipal =>
  /^[0-9]{12}$/.test(entry) ? new iam.AccountPrincipal(entry) : new iam.ArnPrincipal(entry);

/**
 * The DevOps account's half: the getSTScreds function, its execution role with
 * `sts_assumerole`, who may invoke it, the access policy in SSM, its logs and alarms.
 *
 * @example
 * new BrokerStack(app, 'StsCredsBroker', { config, env: { account: config.brokerAccountId, region: config.broker.region } });
 */
export class BrokerStack extends Stack {
  readonly function: NodejsFunction;
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
    const fn = new BrokerFunction(this, 'Broker', {
      functionName: broker.functionName,
      role: executionRole.role,
      accessPolicyParameter: accessPolicy.parameter,
      accessPolicyMaxAgeSeconds: broker.accessPolicyMaxAgeSeconds,
      audience: broker.audience,
      defaultRoleName: target.roleName,
      functionUrl: broker.functionUrl,
      reservedConcurrency: broker.reservedConcurrency,
      memorySize: broker.memorySize,
      logRetention: broker.logRetentionDays as logs.RetentionDays,
      ...(props.entry && { entry: props.entry }),
    });
    // The function must not run before it may assume anything.
    fn.function.node.addDependency(executionRole.assumeRolePolicy);

    const invokers: iam.IPrincipal[] =
      broker.invokers.kind === 'organization' && config.organizationId
        ? [new iam.OrganizationPrincipal(config.organizationId)]
        : broker.invokers.kind === 'principals'
          ? broker.invokers.principals.map(invokerPrincipal)
          : [];
    for (const principal of invokers) {
      fn.function.grantInvoke(principal);
      if (fn.functionUrl) fn.function.grantInvokeUrl(principal);
    }

    new BrokerAlarms(this, 'Alarms', {
      function: fn.function,
      functionName: broker.functionName,
      deniedSpikeThreshold: broker.deniedSpikeThreshold,
      alarmTopicArn: broker.alarmTopicArn,
    });
    this.function = fn.function;
    this.role = executionRole.role;
    this.logGroup = fn.logGroup;
  }
}
