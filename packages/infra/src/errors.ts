/** A construct was given props it cannot build into a safe or deployable template. */
export class InfraPropsError extends Error {
  override readonly name = 'InfraPropsError';
}
