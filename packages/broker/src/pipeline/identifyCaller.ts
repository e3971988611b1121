import { type CredentialRequest, requestDigest } from '@stscreds/contract';
import { AccessDeniedError, ProofRefusedError } from '../errors.ts';
import type { Caller } from '../identity/caller.ts';
import type { ProofVerifier } from '../identity/proofBinding.ts';
import type { RequestOrigin } from './requestOrigin.ts';

/**
 * Who is asking: the signer the Function URL reports, or the signer of the request's identity
 * proof, or nobody. The proof must have been made for this very request: it is verified
 * against the digest of the request's fields. A refused proof is a {@link ProofRefusedError}, so that the audit trail
 * and the metrics tell it from a policy's denial.
 *
 * @example
 * const caller = await identifyCaller({ kind: 'invoke' }, request, verify, 2500);
 */
export async function identifyCaller(
  origin: RequestOrigin,
  request: CredentialRequest,
  verify: ProofVerifier,
  deadlineMs?: number,
): Promise<Caller | undefined> {
  if (origin.kind === 'function-url') return origin.caller;
  const { identity: proof, ...fields } = request;
  if (!proof) return undefined;
  try {
    return await verify(proof, { requestDigest: requestDigest(fields), deadlineMs });
  } catch (error) {
    if (error instanceof AccessDeniedError && !(error instanceof ProofRefusedError)) {
      throw new ProofRefusedError(error.message, { cause: error });
    }
    throw error;
  }
}
