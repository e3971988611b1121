export * from '@stscreds/iam';
export type { BuildStsCredsAppOptions, StsCredsStacks } from './buildStsCredsApp.ts';
export { buildStsCredsApp } from './buildStsCredsApp.ts';
export type {
  BrokerInvokers,
  BrokerSettings,
  RolloutSettings,
  StsCredsInfraConfig,
  TargetSettings,
} from './config.ts';
export { brokerRoleArnOf, partitionOf } from './config.ts';
export type { AccessPolicyParameterProps } from './constructs/AccessPolicyParameter.ts';
export { AccessPolicyParameter } from './constructs/AccessPolicyParameter.ts';
export type { BrokerAlarmsProps } from './constructs/BrokerAlarms.ts';
export { BrokerAlarms } from './constructs/BrokerAlarms.ts';
export type { BrokerExecutionRoleProps } from './constructs/BrokerExecutionRole.ts';
export { BrokerExecutionRole } from './constructs/BrokerExecutionRole.ts';
export type { BrokerFunctionProps } from './constructs/BrokerFunction.ts';
export { BrokerFunction } from './constructs/BrokerFunction.ts';
export type { TargetRoleProps } from './constructs/TargetRole.ts';
export { TargetRole } from './constructs/TargetRole.ts';
export type { TargetRoleStackSetProps } from './constructs/TargetRoleStackSet.ts';
export { TargetRoleStackSet } from './constructs/TargetRoleStackSet.ts';
export { InfraPropsError } from './errors.ts';
export type { ReadInfraConfigOptions } from './readInfraConfig.ts';
export { InfraConfigError, readInfraConfig } from './readInfraConfig.ts';
export type { BrokerStackProps } from './stacks/BrokerStack.ts';
export { BrokerStack } from './stacks/BrokerStack.ts';
export type { OrgRolloutStackProps } from './stacks/OrgRolloutStack.ts';
export { OrgRolloutStack } from './stacks/OrgRolloutStack.ts';
export { synthesizeTargetRoleTemplate } from './stacks/synthesizeTargetRoleTemplate.ts';
export type { TargetRoleStackProps } from './stacks/TargetRoleStack.ts';
export { TargetRoleStack } from './stacks/TargetRoleStack.ts';
