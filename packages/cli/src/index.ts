export type { DevDependencies, DevInput } from './commands/dev.ts';
export { runDev } from './commands/dev.ts';
export { main } from './main.ts';
