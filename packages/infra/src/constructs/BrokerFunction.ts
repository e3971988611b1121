import { createRequire } from 'node:module';
import { DEFAULT_ROLE_NAME } from '@stscreds/contract';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

export interface BrokerFunctionProps {
  /** @default 'getSTScreds' */
  readonly functionName?: string;
  /** The execution role; it gains the logging and SSM grants the function needs. */
  readonly role: iam.IRole;
  /** The parameter holding the access policy. */
  readonly accessPolicyParameter: ssm.IStringParameter;
  /** How long a warm broker keeps the parameter before reading it again. @default 300 */
  readonly accessPolicyMaxAgeSeconds?: number;
  /** What identity proofs must sign in `x-stscreds-audience`. @default 'stscreds' */
  readonly audience?: string;
  /** The role assumed when a request names none. @default 'lambda_sts' */
  readonly defaultRoleName?: string;
  /** Add a Function URL with `AWS_IAM` auth. @default false */
  readonly functionUrl?: boolean;
  /**
   * Memory, which also sets the CPU share.
   *
   * @default 256
   */
  readonly memorySize?: number;
  /** @default - no reserved concurrency */
  readonly reservedConcurrency?: number | undefined;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** The handler's source. @default - the broker package's `src/handler.ts` */
  readonly entry?: string;
}

const brokerHandlerEntry = (): string => createRequire(import.meta.url).resolve('@stscreds/broker/handler');

/**
 * The getSTScreds function: the broker's handler bundled by the local esbuild (no Docker),
 * on Node.js 24 and arm64, with its log group and, optionally, a Function URL.
 *
 * @example
 * const broker = new BrokerFunction(this, 'Broker', { role, accessPolicyParameter: parameter });
 * broker.function.grantInvoke(new iam.AccountPrincipal('111111111111'));
 */
export class BrokerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly functionUrl: lambda.FunctionUrl | undefined;

  constructor(scope: Construct, id: string, props: BrokerFunctionProps) {
    super(scope, id);
    const functionName = props.functionName ?? 'getSTScreds';
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      // The audit trail of who obtained which credentials outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.function = new NodejsFunction(this, 'Function', {
      functionName,
      description: 'stscreds broker: verifies the caller, applies the access policy, assumes the target role',
      entry: props.entry ?? brokerHandlerEntry(),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      // Measured on the bundle (docs/deploy.md, "Sizing"): at most 83 MB resident after the
      // cold start, SSM client included, and 0.25-0.35 s of init on one full core. A request
      // does at most two STS calls (the proof, bounded at 3 s, then AssumeRole), so memory is
      // not the limit: 256 MB leaves three times the room needed. CPU scales with memory:
      // 512 MB halves a CPU-bound cold start, at twice the price of every millisecond spent
      // waiting on STS. 10 s covers a slow proof, an SDK retry of AssumeRole and an SSM read.
      memorySize: props.memorySize ?? 256,
      timeout: Duration.seconds(10),
      role: props.role,
      logGroup: this.logGroup,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        STSCREDS_DEFAULT_ROLE_NAME: props.defaultRoleName ?? DEFAULT_ROLE_NAME,
        STSCREDS_AUDIENCE: props.audience ?? 'stscreds',
        STSCREDS_ENTRY: props.functionUrl ? 'both' : 'invoke',
        STSCREDS_ACCESS_POLICY_SSM_PARAMETER: props.accessPolicyParameter.parameterName,
        STSCREDS_ACCESS_POLICY_MAX_AGE_SECONDS: String(props.accessPolicyMaxAgeSeconds ?? 300),
        POWERTOOLS_SERVICE_NAME: 'getSTScreds',
        POWERTOOLS_METRICS_NAMESPACE: 'stscreds',
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.CJS,
        minify: true,
        // The SDK is bundled too: the function runs the versions the tests ran, not whichever
        // the Lambda runtime ships.
        externalModules: [],
      },
    });
    // Written as one statement each, rather than with grants, so that nothing broader than
    // the function's own log group and its one parameter is allowed.
    props.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    props.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadAccessPolicy',
        actions: ['ssm:GetParameter'],
        resources: [props.accessPolicyParameter.parameterArn],
      }),
    );
    const defaultPolicy =
      props.role.node.tryFindChild('DefaultPolicy') ?? props.role.node.tryFindChild('Policy');
    if (defaultPolicy) {
      this.function.node.addDependency(defaultPolicy);
      Validations.of(defaultPolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.logGroup.node.defaultChild as logs.CfnLogGroup)}.Arn>:*]`,
        reason:
          'Lambda names each log stream at run time; the grant is limited to the function’s own log group.',
      });
    }
    this.functionUrl = props.functionUrl
      ? this.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM })
      : undefined;
  }
}
