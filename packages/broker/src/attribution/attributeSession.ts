import type { Caller } from '../identity/caller.ts';
import { callerTagsOf, type SessionTag } from './callerTagsOf.ts';
import { sessionNameFor } from './sessionNameFor.ts';
import { sourceIdentityOf } from './sourceIdentityOf.ts';

/** What the target account will see of who acted. */
export interface SessionAttribution {
  readonly sessionName: string;
  /** The verified caller, carried by STS into every event of the session. */
  readonly sourceIdentity?: string;
  readonly tags: readonly SessionTag[];
}

/**
 * Decides how the target account will see a session. A verified caller is carried, one
 * value per caller ARN, as SourceIdentity ({@link sourceIdentityOf}) and, losslessly, as the
 * `stscreds:caller` session tags ({@link callerTagsOf}). The session name is namespaced
 * under the caller ({@link sessionNameFor}), so no caller can take the session name of
 * another. An unverified caller gets no SourceIdentity and no tags.
 *
 * @example
 * attributeSession(alice, undefined, 'req-1');
 * // { sessionName: 'aws,iam,,111111111111,user+alice', sourceIdentity: 'aws,iam,,111111111111,user+alice',
 * //   tags: [{ Key: 'stscreds:caller', Value: 'arn:aws:iam::111111111111:user/alice' }] }
 */
export function attributeSession(
  caller: Caller | undefined,
  requestedSessionName: string | undefined,
  requestId: string,
): SessionAttribution {
  const sessionName = sessionNameFor(caller?.arn, requestedSessionName, requestId);
  if (!caller) return { sessionName, tags: [] };
  return { sessionName, sourceIdentity: sourceIdentityOf(caller.arn), tags: callerTagsOf(caller.arn) };
}
