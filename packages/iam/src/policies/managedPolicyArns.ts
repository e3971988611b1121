import { SEED_MANAGED_POLICY_NAMES } from './constants.ts';
import { PolicyBuilderError } from './PolicyBuilderError.ts';

/**
 * Which managed policies the target role holds:
 * - `seed`: the seed's full-access list. Broad on purpose, for fidelity; scope it down.
 * - `readonly`: `ReadOnlyAccess`.
 * - `custom`: the given list.
 */
export type ManagedPolicyPreset = 'seed' | 'readonly' | 'custom';

export const MANAGED_POLICY_PRESETS: readonly ManagedPolicyPreset[] = ['seed', 'readonly', 'custom'];

export interface ManagedPolicyArnsOptions {
  /** The ARN partition, or a CDK token such as `Aws.PARTITION`. */
  readonly partition: string;
  readonly preset: ManagedPolicyPreset;
  /**
   * For `custom`: AWS managed policy names (`ReadOnlyAccess`, `job-function/ViewOnlyAccess`) or
   * full policy ARNs.
   *
   * @default []
   */
  readonly custom?: readonly string[] | undefined;
}

const POLICY_NAME = /^(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;
const POLICY_ARN = /^arn:[\w-]+:iam::(?:aws|[0-9]{12}):policy\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;

/**
 * The managed policy ARNs of a preset. IAM attaches at most 20 managed policies to a role
 * (the default quota is 10).
 *
 * @throws {PolicyBuilderError} for an empty or malformed custom list, or one over 20.
 * @example
 * managedPolicyArns({ partition: 'aws', preset: 'readonly' }); // ['arn:aws:iam::aws:policy/ReadOnlyAccess']
 */
export function managedPolicyArns(options: ManagedPolicyArnsOptions): string[] {
  const awsManaged = (name: string) => `arn:${options.partition}:iam::aws:policy/${name}`;
  switch (options.preset) {
    case 'seed':
      return SEED_MANAGED_POLICY_NAMES.map(awsManaged);
    case 'readonly':
      return [awsManaged('ReadOnlyAccess')];
    case 'custom': {
      const custom = options.custom ?? [];
      if (custom.length === 0 || custom.length > 20) {
        throw new PolicyBuilderError('The custom preset needs 1 to 20 managed policies');
      }
      return custom.map((entry) => {
        if (POLICY_ARN.test(entry)) return entry;
        if (POLICY_NAME.test(entry)) return awsManaged(entry);
        throw new PolicyBuilderError(`"${entry}" is neither a managed policy name nor a policy ARN`);
      });
    }
  }
}
