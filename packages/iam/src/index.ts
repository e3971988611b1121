export * from './doctor/index.ts';
export { partitionOf } from './partitionOf.ts';
export * from './policies/index.ts';
export * from './revocations/index.ts';
export * from './verify/index.ts';
