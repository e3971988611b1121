/** The revocations do not fit the document AWS allows, even compacted. */
export class RevocationPolicyTooLargeError extends Error {
  override readonly name = 'RevocationPolicyTooLargeError';
  readonly code = 'RevocationPolicyTooLarge';
  constructor(
    readonly characters: number,
    readonly limit: number,
    what: string,
  ) {
    super(
      `The revocations need ${characters} characters in ${what}, over the ${limit} AWS allows, even compacted. Lift revocations that are no longer needed, use the role-wide form, or wait: each leaves the document an hour after its revokedAt, when every session it denies has expired`,
    );
  }
}
