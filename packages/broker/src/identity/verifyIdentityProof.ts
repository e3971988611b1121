import type { IdentityProof } from '@stscreds/contract';
import { AccessDeniedError, UpstreamError } from '../errors.ts';
import { type Caller, toCaller } from './caller.ts';
import { parseCallerIdentity } from './parseCallerIdentity.ts';
import { type ProofRules, reconstructProof } from './reconstructProof.ts';

export interface VerifyIdentityProofOptions extends Omit<ProofRules, 'now'> {
  /** How long STS may take to answer. Default: 3 s. */
  readonly timeoutMs?: number;
  /** Injectable for tests; the global fetch by default. */
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
}

const MAX_ANSWER_CHARS = 64 * 1024;

const errorCodeOf = (xml: string): string => /<Code>([A-Za-z.]{1,64})<\/Code>/.exec(xml)?.[1] ?? 'an error';

/**
 * Proves who the caller is: checks the signed GetCallerIdentity proof, rebuilds it, sends it
 * to STS with a short timeout and no redirects, and reads the answer strictly.
 *
 * @throws {AccessDeniedError} naming the failed check, when the proof is refused.
 * @throws {UpstreamError} when STS cannot be reached or fails.
 * @example
 * const caller = await verifyIdentityProof(request.identity, { audience: 'stscreds', extraStsOrigins: [] });
 * caller.principalArn; // 'arn:aws:iam::111111111111:user/alice'
 */
export async function verifyIdentityProof(
  proof: IdentityProof,
  options: VerifyIdentityProofOptions,
): Promise<Caller> {
  const request = reconstructProof(proof, { ...options, now: options.now?.() ?? new Date() });
  let response: Response;
  let answer: string;
  try {
    response = await (options.fetch ?? fetch)(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
    });
    answer = await response.text();
  } catch (error) {
    throw new UpstreamError('STS could not be reached to verify the identity proof', { cause: error });
  }
  if (response.status >= 500) {
    throw new UpstreamError(`STS failed to verify the identity proof (HTTP ${response.status})`);
  }
  if (response.status !== 200) {
    throw new AccessDeniedError(
      `Identity proof refused: STS rejected it with ${errorCodeOf(answer.slice(0, MAX_ANSWER_CHARS))} (HTTP ${response.status})`,
    );
  }
  const identity = answer.length <= MAX_ANSWER_CHARS ? parseCallerIdentity(answer) : undefined;
  const caller = identity && toCaller(identity.arn, identity.account, 'identity-proof');
  if (!caller) throw new AccessDeniedError('Identity proof refused: the STS answer is not a caller identity');
  return caller;
}
