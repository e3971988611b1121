export type { SessionCredentials } from './assumeBrokerRole.ts';
export { assumeBrokerRole } from './assumeBrokerRole.ts';
export type { DevTarget } from './defaults.ts';
export { DEV_ORG, devAccessPolicy, sampleBucketName } from './defaults.ts';
export type { WalkthroughStep } from './runWalkthrough.ts';
export { runWalkthrough } from './runWalkthrough.ts';
export { seededRandom } from './seededRandom.ts';
export type { DevUser, SeededOrganization, SeededTarget } from './seedOrganization.ts';
export { seedOrganization } from './seedOrganization.ts';
export type {
  FederationServer,
  IssuedSigninToken,
  ServeFederationEndpointOptions,
} from './serveFederationEndpoint.ts';
export { serveFederationEndpoint } from './serveFederationEndpoint.ts';
export type { FunctionUrlServer, ServeFunctionUrlOptions } from './serveFunctionUrl.ts';
export { serveFunctionUrl } from './serveFunctionUrl.ts';
export type { InvokableFunction, LambdaInvokeServer, ServeLambdaInvokeOptions } from './serveLambdaInvoke.ts';
export { MAX_INVOKE_PAYLOAD_BYTES, serveLambdaInvoke } from './serveLambdaInvoke.ts';
export type { DevOrg, StartDevOrgOptions } from './startDevOrg.ts';
export { startDevOrg } from './startDevOrg.ts';
export type { Fault, FaultPlan, FaultProxy, RecordedRequest } from './startFaultProxy.ts';
export { startFaultProxy } from './startFaultProxy.ts';
export type { MotoServer, StartMotoServerOptions } from './startMotoServer.ts';
export { MotoServerError, startMotoServer } from './startMotoServer.ts';
export type { SeededMoto } from './startSeededMoto.ts';
export { startSeededMoto } from './startSeededMoto.ts';
export type { BrokerState, DevState, DevStatePaths } from './writeDevState.ts';
export { devEnvironment, writeDevState } from './writeDevState.ts';
