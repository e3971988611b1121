import type { IdentityProof } from '@stscreds/contract';
import type { Caller } from './caller.ts';

/** What ties a proof to the request it came with, and how long verifying it may take. */
export interface ProofBinding {
  /** The digest of the request's fields, which the proof must sign. */
  readonly requestDigest: string;
  /** How long verification may take, retries included, such as Lambda's remaining time. */
  readonly deadlineMs?: number | undefined;
}

/** How the broker learns who signed a proof made for one request. */
export type ProofVerifier = (proof: IdentityProof, binding: ProofBinding) => Promise<Caller>;
