export type {
  ChainCase,
  ChainFunction,
  ChainModel,
  ChainResult,
  ChainTarget,
  NamedPolicy,
} from './ChainModel.ts';
export { chainCases, OUTSIDE_ACCOUNT } from './chainCases.ts';
export { decodePolicyDocument } from './decodePolicyDocument.ts';
export { ChainInputError, SimulatorMissingError } from './errors.ts';
export { formatChainTable } from './formatChainTable.ts';
export { functionUrlCases } from './functionUrlCases.ts';
export { lambdaPolicyStatement } from './lambdaPolicyStatement.ts';
export type { LiveIamClientsOptions } from './liveIamClients.ts';
export { liveIamClients, liveLambdaClients } from './liveIamClients.ts';
export type { Simulator } from './loadSimulator.ts';
export { loadSimulator } from './loadSimulator.ts';
export type { ReadCloudAssemblyChainOptions } from './readCloudAssemblyChain.ts';
export { readCloudAssemblyChain, STAND_IN_MEMBER_ACCOUNT } from './readCloudAssemblyChain.ts';
export type { ReadLiveChainOptions } from './readLiveChain.ts';
export { readLiveChain } from './readLiveChain.ts';
export { readLiveFunctions } from './readLiveFunctions.ts';
export { readRoleTrustPolicy } from './readRoleTrustPolicy.ts';
export { readTemplateFunctions } from './readTemplateFunctions.ts';
export type { TemplateRole } from './readTemplateRoles.ts';
export { readTemplateRoles } from './readTemplateRoles.ts';
export type { TemplateContext, TemplateResource } from './resolveTemplateValue.ts';
export { resolveTemplateValue } from './resolveTemplateValue.ts';
export { simulateChain } from './simulateChain.ts';
export type { AssumableTarget } from './targetRoleOf.ts';
export { targetRoleOf } from './targetRoleOf.ts';
export { urlFunctionNotes } from './urlFunctionNotes.ts';
