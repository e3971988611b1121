export type { DevDependencies, DevInput } from './commands/dev.ts';
export { runDev } from './commands/dev.ts';
export type { PolicyCheckInput, PolicyDependencies, PolicyExplainInput } from './commands/policy.ts';
export { runPolicyCheck, runPolicyExplain } from './commands/policy.ts';
export { main } from './main.ts';
