#!/usr/bin/env node
// The sources are TypeScript; tsx loads them without a build step, and the workspace packages
// resolve to their sources (the `@stscreds/source` export condition) however node was started.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every start under Node.js 20 about its future support; a command whose
// output other programs read (credential_process, eval) must not carry that noise.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === 'string' ? warning : `${warning?.name}: ${warning?.message}`;
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'NodeVersionSupportWarning' || text.includes('NodeVersionSupportWarning')) return;
  emitWarning(warning, ...rest);
};

registerHooks('../../../scripts/sourceConditionHooks.mjs', import.meta.url);
register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
