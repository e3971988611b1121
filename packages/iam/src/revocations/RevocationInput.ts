/**
 * A revocation as the AWS-side documents need it: who (the SourceIdentity values the broker
 * stamped on the caller's sessions, or every session of the target role), where, and since when.
 */
export interface RevocationInput {
  readonly id: string;
  /** `sourceIdentityOf(callerArn)` for each revoked caller; undefined for a role-wide revocation. */
  readonly sourceIdentities?: readonly string[] | undefined;
  /** The accounts it covers, as ids; undefined for every account. */
  readonly accountIds?: readonly string[] | undefined;
  /** Sessions issued before this instant are denied (ISO 8601, UTC). */
  readonly revokedAt: string;
  /** Lifted revocations still deny what was issued before `revokedAt`, until all of it has expired. */
  readonly lifted: boolean;
}

/** Where a revocation document goes. */
export type RevocationTarget =
  /** A service control policy: one write reaches every member account, not the management account. */
  | { readonly kind: 'scp'; readonly targetRoleName: string; readonly partition: string }
  /** The inline policy `stscreds-revocations` on the target role of one account. */
  | {
      readonly kind: 'inline';
      readonly accountId: string;
      /** What the role's other inline policies already take of the 10,240 they share. @default 0 */
      readonly otherInlineCharacters?: number;
    };

/** What AWS lets such a document hold, in characters of its JSON without whitespace. */
export const REVOCATION_POLICY_LIMITS = { scp: 5_120, inline: 10_240 } as const;

/**
 * The longest a broker session lives: role chaining caps it at one hour. A revocation older
 * than this has nothing left to deny, and leaves the documents.
 */
export const MAX_SESSION_MS = 3_600_000;
