import { digestOf } from './digestOf.ts';
import { labelOf } from './labelOf.ts';
import { MAX_SOURCE_IDENTITY_CHARS, sourceIdentityOf } from './sourceIdentityOf.ts';

/**
 * The RoleSessionName of a session, chosen so that no caller can obtain a name that another
 * caller gets: the target account's `assumed-role/ROLE/NAME` ARN, `aws:userid` and CloudTrail
 * take a session by that name.
 *
 * - A verified caller that names no session gets its SourceIdentity ({@link sourceIdentityOf}).
 * - A requested name is kept as a readable label, cut to 41 characters of `[\w+.@-]`, then `=`
 *   and 22 base64url characters of the SHA-256 of `["session", callerArn, name]`, so it is
 *   namespaced under the caller that asked for it. An unverified caller's requested name is
 *   hashed as `["unverified-session", name]`.
 * - An unverified caller that names no session gets `stscreds-` and the request id.
 *
 * The forms never meet: an exact SourceIdentity always holds a `,`, which no other form
 * holds; hashed ones differ by what was hashed; `stscreds-…` holds neither `,` nor `=`.
 *
 * @example
 * sessionNameFor('arn:aws:iam::111111111111:user/bob', 'alice', 'req-1'); // 'alice=' + 22 characters
 */
export function sessionNameFor(
  callerArn: string | undefined,
  requestedName: string | undefined,
  requestId: string,
): string {
  if (requestedName !== undefined) {
    const digest = digestOf(
      callerArn === undefined ? ['unverified-session', requestedName] : ['session', callerArn, requestedName],
    );
    return `${labelOf(requestedName, 'session')}=${digest}`;
  }
  if (callerArn !== undefined) return sourceIdentityOf(callerArn);
  const id = requestId.replace(/[^\w.@-]/g, '-');
  const name = `stscreds-${id}`;
  return name.length <= MAX_SOURCE_IDENTITY_CHARS
    ? name
    : `${name.slice(0, MAX_SOURCE_IDENTITY_CHARS - 9)}-${digestOf(['request', requestId]).slice(0, 8)}`;
}
