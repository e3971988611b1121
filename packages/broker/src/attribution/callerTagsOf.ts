import { escapeOutside } from './escapeOutside.ts';

/** The session tag that carries the verified caller's ARN. */
export const CALLER_TAG = 'stscreds:caller';
/** Session tag values hold at most 256 characters. */
export const MAX_TAG_VALUE_CHARS = 256;
/** The characters written as themselves: the ASCII part of what tag values allow, less `=`. */
const LITERAL = /^[A-Za-z0-9_.:/+@-]$/;

export interface SessionTag {
  readonly Key: string;
  readonly Value: string;
}

/**
 * The session tags that carry a caller's ARN, losslessly. The ARN is written with every
 * character that tag values do not allow (and `=`, the escape) as `=HH` per UTF-8 byte, so
 * `a,b` becomes `a=2Cb` and stays apart from `a_b`. A caller ARN of the usual characters is
 * therefore its own tag value. The first 256 characters go in `stscreds:caller`; any more,
 * 256 at a time, in `stscreds:caller:2`, `stscreds:caller:3`, and so on. Concatenating the
 * values in that order and decoding the escapes gives the ARN back
 * ({@link readCallerTags} does).
 *
 * @example
 * callerTagsOf('arn:aws:iam::111111111111:user/alice');
 * // [{ Key: 'stscreds:caller', Value: 'arn:aws:iam::111111111111:user/alice' }]
 */
export function callerTagsOf(arn: string): SessionTag[] {
  const encoded = escapeOutside(arn, LITERAL);
  const tags: SessionTag[] = [];
  for (let at = 0; at === 0 || at < encoded.length; at += MAX_TAG_VALUE_CHARS) {
    tags.push({
      Key: at === 0 ? CALLER_TAG : `${CALLER_TAG}:${at / MAX_TAG_VALUE_CHARS + 1}`,
      Value: encoded.slice(at, at + MAX_TAG_VALUE_CHARS),
    });
  }
  return tags;
}
