export type { BuildIdentityProofOptions } from './buildIdentityProof.ts';
export { buildIdentityProof } from './buildIdentityProof.ts';
export { invokeBroker } from './invokeBroker.ts';
