import type { ChainFunction } from './ChainModel.ts';

/**
 * What a verification cannot see about the Function URL functions: principals of their own
 * account need no resource policy, so their own IAM policies, outside the templates, decide
 * whether they may invoke such a function directly.
 *
 * @example
 * for (const note of urlFunctionNotes(model.functions ?? [])) console.log(note);
 */
export function urlFunctionNotes(functions: readonly ChainFunction[]): string[] {
  return functions.flatMap((fn) => [
    ...(fn.entry === 'url' || fn.entry === 'both'
      ? [
          `principals of ${fn.accountId} need no resource policy: any whose own policies allow lambda:InvokeFunction on ${fn.name} without lambda:InvokedViaFunctionUrl could forge a Function URL caller`,
        ]
      : []),
    ...(fn.entry === 'both'
      ? [`${fn.name} takes both entries: whoever may invoke it directly can forge a Function URL caller`]
      : []),
  ]);
}
