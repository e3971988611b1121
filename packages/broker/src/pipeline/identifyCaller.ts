import type { IdentityProof } from '@stscreds/contract';
import { AccessDeniedError, ProofRefusedError } from '../errors.ts';
import type { Caller } from '../identity/caller.ts';
import type { RequestOrigin } from './requestOrigin.ts';

/**
 * Who is asking: the signer the Function URL reports, or the signer of the request's identity
 * proof, or nobody. A refused proof is a {@link ProofRefusedError}, so that the audit trail
 * and the metrics tell it from a policy's denial.
 *
 * @example
 * const caller = await identifyCaller({ kind: 'invoke' }, request.identity, verify);
 */
export async function identifyCaller(
  origin: RequestOrigin,
  proof: IdentityProof | undefined,
  verify: (proof: IdentityProof) => Promise<Caller>,
): Promise<Caller | undefined> {
  if (origin.kind === 'function-url') return origin.caller;
  if (!proof) return undefined;
  try {
    return await verify(proof);
  } catch (error) {
    if (error instanceof AccessDeniedError && !(error instanceof ProofRefusedError)) {
      throw new ProofRefusedError(error.message, { cause: error });
    }
    throw error;
  }
}
