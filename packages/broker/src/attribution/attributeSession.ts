import { createHash } from 'node:crypto';
import type { Caller } from '../identity/caller.ts';

/** What the target account will see of who acted. */
export interface SessionAttribution {
  readonly sessionName: string;
  /** The verified caller, carried by STS into every event of the session. */
  readonly sourceIdentity?: string;
  readonly tags: readonly { readonly Key: string; readonly Value: string }[];
}

export const CALLER_TAG = 'stscreds:caller';
const MAX_NAME_CHARS = 64;
const MAX_TAG_VALUE_CHARS = 256;

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 8);

/** Fits `text` into `limit` characters; a cut is marked with a hash of the whole, so cut names stay distinct. */
const fit = (text: string, limit: number): string =>
  text.length <= limit ? text : `${text.slice(0, limit - 9)}-${shortHash(text)}`;

/** RoleSessionName and SourceIdentity allow `[\w+=,.@-]`, 2 to 64 characters. */
const asSessionName = (text: string): string => {
  const safe = fit(text.replace(/[^\w+=,.@-]/g, '-'), MAX_NAME_CHARS);
  return safe.length >= 2 ? safe : `${safe}--`.slice(0, 2);
};

/** Session tag values allow letters, digits, spaces and `_.:/=+-@`. */
const asTagValue = (text: string): string =>
  fit(text.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_'), MAX_TAG_VALUE_CHARS);

/** The most human part of a caller: the session of a role (often a person or a job), else the principal's name. */
const nameOf = (caller: Caller): string =>
  caller.sessionName ?? caller.principalArn.split(/[:/]/).pop() ?? 'caller';

/**
 * Decides how the target account will see a session. A verified caller is carried as
 * SourceIdentity and the `stscreds:caller` session tag, and names the session unless the
 * request does. An unverified caller gets a session named after the request id, which ties
 * the target's CloudTrail to the broker's logs.
 *
 * @example
 * attributeSession(alice, undefined, 'req-1');
 * // { sessionName: 'alice', sourceIdentity: 'alice', tags: [{ Key: 'stscreds:caller', Value: 'arn:aws:iam::111111111111:user/alice' }] }
 */
export function attributeSession(
  caller: Caller | undefined,
  requestedSessionName: string | undefined,
  requestId: string,
): SessionAttribution {
  if (!caller) {
    return { sessionName: requestedSessionName ?? asSessionName(`stscreds-${requestId}`), tags: [] };
  }
  const identity = asSessionName(nameOf(caller));
  return {
    sessionName: requestedSessionName ?? identity,
    // The character set leaves out ':', so it can never start with the reserved `aws:`.
    sourceIdentity: identity,
    tags: [{ Key: CALLER_TAG, Value: asTagValue(caller.arn) }],
  };
}
