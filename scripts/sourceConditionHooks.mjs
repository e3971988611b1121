// Module hooks that resolve the workspace packages to their TypeScript sources, through the
// `@stscreds/source` export condition, in a Node process started without
// `--conditions=@stscreds/source` (a credential_process line, a shell). Register them with
// `register('<path to this file>', import.meta.url)` from node:module.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@stscreds/source')
    ? context.conditions
    : ['@stscreds/source', ...context.conditions];
  return nextResolve(specifier, { ...context, conditions });
}
