import { CfnStackSet } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { InfraPropsError } from '../errors.ts';

export interface TargetRoleStackSetProps {
  /** The target-role template, as synthesized; it is embedded as `TemplateBody`. */
  readonly template: object;
  /** @default 'stscreds-target-role' */
  readonly stackSetName?: string;
  /** The OUs, or the root, whose accounts get the role. */
  readonly organizationalUnitIds: readonly string[];
  /** Accounts of those OUs to leave out. @default [] */
  readonly excludeAccountIds?: readonly string[];
  /** The one region stack instances go to. IAM is global: more would collide. */
  readonly region: string;
  /** `DELEGATED_ADMIN` when deployed from a delegated administrator account. @default 'SELF' */
  readonly callAs?: 'SELF' | 'DELEGATED_ADMIN';
}

/** CloudFormation takes at most 51,200 bytes of TemplateBody. */
const TEMPLATE_BODY_LIMIT = 51_200;

/**
 * A service-managed StackSet that puts the target role in every account of the given OUs,
 * and, through auto-deployment, in every account that joins them later. The template is
 * embedded, so no asset bucket is needed in any account.
 *
 * A service-managed StackSet never deploys to the management account: deploy the
 * TargetRoleStack there directly if the broker must reach it.
 *
 * @example
 * new TargetRoleStackSet(this, 'TargetRoles', { template, organizationalUnitIds: ['r-a1b2'], region: 'us-west-2' });
 */
export class TargetRoleStackSet extends Construct {
  readonly stackSet: CfnStackSet;

  constructor(scope: Construct, id: string, props: TargetRoleStackSetProps) {
    super(scope, id);
    const body = JSON.stringify(props.template);
    if (Buffer.byteLength(body) > TEMPLATE_BODY_LIMIT) {
      throw new InfraPropsError(`The target-role template exceeds ${TEMPLATE_BODY_LIMIT} bytes`);
    }
    if (props.organizationalUnitIds.length === 0) {
      throw new InfraPropsError('The StackSet needs at least one OU or root id to deploy to');
    }
    const exclude = props.excludeAccountIds ?? [];
    this.stackSet = new CfnStackSet(this, 'StackSet', {
      stackSetName: props.stackSetName ?? 'stscreds-target-role',
      description: 'The stscreds target role, trusted by the getSTScreds broker',
      permissionModel: 'SERVICE_MANAGED',
      callAs: props.callAs ?? 'SELF',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: {
        regionConcurrencyType: 'PARALLEL',
        maxConcurrentPercentage: 25,
        failureTolerancePercentage: 10,
      },
      stackInstancesGroup: [
        {
          regions: [props.region],
          deploymentTargets: {
            organizationalUnitIds: [...props.organizationalUnitIds],
            ...(exclude.length > 0 && { accounts: [...exclude], accountFilterType: 'DIFFERENCE' }),
          },
        },
      ],
      templateBody: body,
    });
  }
}
