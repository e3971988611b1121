import { createHash } from 'node:crypto';
import { type BoundRequestFields, canonicalRequest } from './canonicalRequest.ts';

/**
 * The digest an identity proof signs in `x-stscreds-request-digest`: the lowercase hex
 * SHA-256 of the request's {@link canonicalRequest} in UTF-8. The broker recomputes it from
 * the request it received, so a proof captured for one request cannot be used for another.
 *
 * @example
 * requestDigest({ accountId: '222222222222' });
 * // '…64 hex digits…'
 */
export function requestDigest(fields: BoundRequestFields): string {
  return createHash('sha256').update(canonicalRequest(fields), 'utf8').digest('hex');
}
