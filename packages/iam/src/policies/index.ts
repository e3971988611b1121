export type { BrokerAssumeRolePolicyOptions } from './brokerAssumeRolePolicy.ts';
export { brokerAssumeRolePolicy } from './brokerAssumeRolePolicy.ts';
export {
  ACCOUNT_ID_PATTERN,
  ORGANIZATION_ID_PATTERN,
  REVOCATION_POLICY_NAME,
  ROLE_NAME_PATTERN,
  SEED_MANAGED_POLICY_NAMES,
  STS_ASSUME_ROLE_POLICY_NAME,
  TARGET_ROLE_ACTIONS,
} from './constants.ts';
export type { ManagedPolicyArnsOptions, ManagedPolicyPreset } from './managedPolicyArns.ts';
export { MANAGED_POLICY_PRESETS, managedPolicyArns } from './managedPolicyArns.ts';
export { PolicyBuilderError } from './PolicyBuilderError.ts';
export type { PolicyConditions, PolicyDocument, PolicyPrincipal, PolicyStatement } from './policyDocument.ts';
export type { TargetRoleTrustPolicyOptions } from './targetRoleTrustPolicy.ts';
export { targetRoleTrustPolicy } from './targetRoleTrustPolicy.ts';
export type { UrlFunctionGuardPolicyOptions } from './urlFunctionGuardPolicy.ts';
export { urlFunctionGuardPolicy } from './urlFunctionGuardPolicy.ts';
export { urlFunctionNameOf } from './urlFunctionNameOf.ts';
