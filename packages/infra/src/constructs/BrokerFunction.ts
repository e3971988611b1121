import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ROLE_NAME } from '@stscreds/contract';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, type IConstruct } from 'constructs';
import { InfraPropsError } from '../errors.ts';

/** What a broker function takes: direct invokes, or requests on its Function URL. */
export type BrokerFunctionEntry = 'invoke' | 'url';

export interface BrokerFunctionProps {
  /** @default 'getSTScreds' */
  readonly functionName?: string;
  /** The execution role; it gains the logging and SSM grants the function needs. */
  readonly role: iam.IRole;
  /** The parameter holding the access policy. */
  readonly accessPolicyParameter: ssm.IStringParameter;
  /** How long a warm broker keeps the parameter before reading it again. @default 300 */
  readonly accessPolicyMaxAgeSeconds?: number;
  /**
   * What identity proofs must sign in `x-stscreds-audience`: unique to this broker, so that a
   * proof made for another is refused. A `url` function checks no proof: it gets none.
   * @default - the function's ARN
   */
  readonly audience?: string;
  /** The role assumed when a request names none. @default 'lambda_sts' */
  readonly defaultRoleName?: string;
  /**
   * Which requests this function takes (its `STSCREDS_ENTRY`). `invoke`: direct Lambda invokes, with the caller's
   * identity proof. `url`: Function URL requests only, with `AWS_IAM` auth; the function gets
   * the URL, and a grant to invoke it directly fails the synth (see
   * {@link BrokerFunction.grantInvokeUrl}). A function never takes both: a Function URL event
   * is only a payload, and whoever may invoke the function directly could write its caller.
   *
   * @default 'invoke'
   */
  readonly takes?: BrokerFunctionEntry;
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
  /**
   * A TypeScript entry to bundle at synth time with the app's own esbuild, instead of the
   * broker bundle this package ships, for whoever builds the broker from source. The
   * workspace packages it imports resolve through the `@stscreds/source` export condition.
   *
   * @default - the bundle shipped in this package (`lambda/broker/index.mjs`)
   */
  readonly entry?: string;
}

/**
 * The broker bundle this package ships: built once, when the package is packed, from the
 * broker the tests ran, so that the consumer's synth needs no esbuild, no Docker and no
 * broker sources, and deploys exactly that bundle.
 */
export const BROKER_ASSET_DIR = fileURLToPath(new URL('../../lambda/broker', import.meta.url));

const shippedBundle = (): lambda.Code => {
  if (!existsSync(`${BROKER_ASSET_DIR}/index.mjs`)) {
    throw new InfraPropsError(
      `the broker bundle is missing from ${BROKER_ASSET_DIR}: run \`npm run bundle -w @stscreds/infra\`, or pass \`entry\``,
    );
  }
  return lambda.Code.fromAsset(BROKER_ASSET_DIR);
};

/**
 * A getSTScreds function: the broker bundle this package ships (or, with `entry`, a source
 * bundled by the local esbuild, never Docker), on Node.js 24 and arm64, with its log group,
 * taking one entry. With `takes: 'url'` it has
 * a Function URL with `AWS_IAM` auth, and the synth fails if any grant on it lets a principal
 * invoke it other than through that URL.
 *
 * @example
 * const broker = new BrokerFunction(this, 'Broker', { role, accessPolicyParameter: parameter });
 * broker.function.grantInvoke(new iam.AccountPrincipal('111111111111'));
 * const url = new BrokerFunction(this, 'UrlBroker', { role, accessPolicyParameter: parameter, functionName: 'getSTScreds-url', takes: 'url' });
 * url.grantInvokeUrl(new iam.AccountPrincipal('111111111111'));
 */
export class BrokerFunction extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  readonly functionUrl: lambda.FunctionUrl | undefined;
  readonly takes: BrokerFunctionEntry;

  constructor(scope: Construct, id: string, props: BrokerFunctionProps) {
    super(scope, id);
    const functionName = props.functionName ?? 'getSTScreds';
    this.takes = props.takes ?? 'invoke';
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      // The audit trail of who obtained which credentials outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const common = {
      functionName,
      description: 'stscreds broker: verifies the caller, applies the access policy, assumes the target role',
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
        // Callers of the broker's own account are trusted whatever the access policy lists.
        STSCREDS_BROKER_ACCOUNT_ID: Stack.of(this).account,
        STSCREDS_DEFAULT_ROLE_NAME: props.defaultRoleName ?? DEFAULT_ROLE_NAME,
        // Only the function of direct invokes checks identity proofs; Lambda names a URL's callers.
        ...(this.takes === 'invoke' && {
          STSCREDS_AUDIENCE:
            props.audience ??
            Stack.of(this).formatArn({
              service: 'lambda',
              resource: 'function',
              resourceName: functionName,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
        }),
        STSCREDS_ENTRY: this.takes,
        STSCREDS_ACCESS_POLICY_SSM_PARAMETER: props.accessPolicyParameter.parameterName,
        STSCREDS_ACCESS_POLICY_MAX_AGE_SECONDS: String(props.accessPolicyMaxAgeSeconds ?? 300),
        POWERTOOLS_SERVICE_NAME: 'getSTScreds',
        POWERTOOLS_METRICS_NAMESPACE: 'stscreds',
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
      },
    } satisfies Partial<lambda.FunctionProps>;
    this.function = props.entry
      ? new NodejsFunction(this, 'Function', {
          ...common,
          entry: props.entry,
          handler: 'handler',
          bundling: {
            forceDockerBundling: false,
            format: OutputFormat.ESM,
            minify: true,
            esbuildArgs: { '--conditions': '@stscreds/source' },
            banner:
              "import { createRequire as __stscredsRequire } from 'node:module'; const require = __stscredsRequire(import.meta.url);",
            // The SDK is bundled too: the function runs the versions the lockfile holds, not
            // whichever the Lambda runtime ships.
            externalModules: [],
          },
        })
      : new lambda.Function(this, 'Function', { ...common, code: shippedBundle(), handler: 'index.handler' });
    // Written as one statement each, rather than with grants, so that nothing broader than
    // the function's own log group and its one parameter is allowed.
    props.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: this.takes === 'url' ? 'WriteOwnLogsUrlEntry' : 'WriteOwnLogs',
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
    this.functionUrl =
      this.takes === 'url'
        ? this.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM })
        : undefined;
    if (this.takes === 'url') this.node.addValidation({ validate: () => this.directInvokeGrants() });
  }

  /**
   * Lets a principal call the Function URL: `lambda:InvokeFunctionUrl` for `AWS_IAM` auth,
   * and `lambda:InvokeFunction` only with `lambda:InvokedViaFunctionUrl`, which both Lambda
   * requires of a Function URL call.
   *
   * @example
   * url.grantInvokeUrl(new iam.OrganizationPrincipal('o-a1b2c3d4e5'));
   */
  grantInvokeUrl(principal: iam.IGrantable): iam.Grant {
    if (this.takes !== 'url') {
      throw new InfraPropsError(`${this.node.path} takes direct invokes: it has no Function URL to grant`);
    }
    return this.function.grantInvokeUrl(principal);
  }

  /**
   * A URL function must let nobody invoke it directly: a direct invoker could write a
   * Function URL event naming any caller, and the handler cannot tell it from one Lambda
   * built. So every grant in the stack that names this function, in its resource policy or
   * in an identity policy, must be one that only a call through the `AWS_IAM` URL meets.
   */
  private directInvokeGrants(): string[] {
    const stack = Stack.of(this);
    const names = new Set(
      [this.function.functionArn, this.function.functionName].map((ref) =>
        JSON.stringify(stack.resolve(ref)),
      ),
    );
    const arn = JSON.stringify(stack.resolve(this.function.functionArn));
    const coversThis = (resource: unknown): boolean =>
      items(resource).some((r) => r === '*' || JSON.stringify(r).includes(arn));
    const problems: string[] = [];
    for (const construct of stack.node.findAll()) {
      if (
        construct instanceof lambda.CfnPermission &&
        names.has(JSON.stringify(stack.resolve(construct.functionName)))
      ) {
        const action = stack.resolve(construct.action);
        const onlyViaUrl =
          action === 'lambda:InvokeFunctionUrl'
            ? construct.functionUrlAuthType === lambda.FunctionUrlAuthType.AWS_IAM
            : action === 'lambda:InvokeFunction' && construct.invokedViaFunctionUrl === true;
        if (!onlyViaUrl) problems.push(`${construct.node.path} grants ${String(action)}`);
      }
      for (const document of identityDocumentsOf(construct, stack)) {
        for (const statement of document.Statement ?? []) {
          if (statement.Effect !== 'Allow' || !coversThis(statement.Resource)) continue;
          if (!items(statement.Action).some((action) => INVOKES.test(String(action)))) continue;
          if (statement.Condition?.Bool?.['lambda:InvokedViaFunctionUrl'] === true) continue;
          problems.push(`${construct.node.path} allows lambda:InvokeFunction`);
        }
      }
    }
    return problems.map(
      (problem) =>
        `${problem} on the Function URL broker ${this.node.path} other than through its AWS_IAM URL: a direct invoker could forge the caller. Grant with grantInvokeUrl().`,
    );
  }
}

interface IdentityStatement {
  readonly Effect?: string;
  readonly Action?: unknown;
  readonly Resource?: unknown;
  readonly Condition?: { readonly Bool?: Readonly<Record<string, unknown>> };
}

interface IdentityDocument {
  readonly Statement?: readonly IdentityStatement[];
}

/** The identity policy documents a construct holds: a policy's, or a role's, user's or group's inline ones. */
const identityDocumentsOf = (construct: IConstruct, stack: Stack): IdentityDocument[] => {
  if (construct instanceof iam.CfnPolicy || construct instanceof iam.CfnManagedPolicy) {
    return [stack.resolve(construct.policyDocument) as IdentityDocument];
  }
  if (
    construct instanceof iam.CfnRole ||
    construct instanceof iam.CfnUser ||
    construct instanceof iam.CfnGroup
  ) {
    // L1 properties resolve with their TypeScript names, not CloudFormation's.
    const inline = items(stack.resolve(construct.policies)) as { policyDocument?: IdentityDocument }[];
    return inline.flatMap((p) => (p.policyDocument ? [p.policyDocument] : []));
  }
  return [];
};

/** Actions that include lambda:InvokeFunction. */
const INVOKES = /^(?:\*|lambda:\*|lambda:Invoke\*|lambda:InvokeFunction)$/;

const items = (value: unknown): readonly unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
