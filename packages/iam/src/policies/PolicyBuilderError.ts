/** A policy builder was given something that would widen, or break, the policy it builds. */
export class PolicyBuilderError extends Error {
  override readonly name = 'PolicyBuilderError';
}
