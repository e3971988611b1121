import { GetRoleCommand, type IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import type { PolicyDocument } from '../policies/policyDocument.ts';
import { decodePolicyDocument } from './decodePolicyDocument.ts';

/**
 * A role's trust policy as IAM holds it, or undefined when the role does not exist.
 *
 * @example
 * const trust = await readRoleTrustPolicy(iam, 'lambda_sts'); // undefined: no such role
 */
export async function readRoleTrustPolicy(
  iam: IAMClient,
  roleName: string,
): Promise<PolicyDocument | undefined> {
  try {
    const { Role: role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    return decodePolicyDocument(role?.AssumeRolePolicyDocument, roleName);
  } catch (error) {
    if (error instanceof NoSuchEntityException) return undefined;
    throw error;
  }
}
