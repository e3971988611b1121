import { CALLER_TAG, type SessionTag } from './callerTagsOf.ts';

const ENCODED = /^(?:[A-Za-z0-9_.:/+@-]|=[0-9A-F]{2})*$/;

/**
 * The caller ARN that {@link callerTagsOf} wrote into session tags, such as those CloudTrail
 * shows for an AssumeRole event; undefined when the tags hold none, or are not well formed.
 *
 * @example
 * readCallerTags([{ Key: 'stscreds:caller', Value: 'arn:aws:iam::111111111111:user/a=2Cb' }]);
 * // 'arn:aws:iam::111111111111:user/a,b'
 */
export function readCallerTags(tags: readonly SessionTag[]): string | undefined {
  const byKey = new Map(tags.map((tag) => [tag.Key, tag.Value]));
  let encoded = byKey.get(CALLER_TAG);
  if (encoded === undefined) return undefined;
  for (let part = 2; byKey.has(`${CALLER_TAG}:${part}`); part += 1)
    encoded += byKey.get(`${CALLER_TAG}:${part}`);
  if (!ENCODED.test(encoded)) return undefined;
  const bytes: number[] = [];
  for (let at = 0; at < encoded.length; at += 1) {
    if (encoded[at] === '=') {
      bytes.push(Number.parseInt(encoded.slice(at + 1, at + 3), 16));
      at += 2;
    } else {
      bytes.push(encoded.charCodeAt(at));
    }
  }
  const text = new TextDecoder('utf-8', { fatal: true });
  try {
    return text.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}
