import { digestOf } from './digestOf.ts';
import { escapeOutside } from './escapeOutside.ts';
import { labelOf } from './labelOf.ts';

/** SourceIdentity and RoleSessionName allow 2 to 64 characters of `[\w+=,.@-]`. */
export const MAX_SOURCE_IDENTITY_CHARS = 64;
/** The characters the exact form writes as themselves; `,`, `+` and `=` carry its structure. */
const LITERAL = /^[A-Za-z0-9_.@-]$/;
const ARN = /^arn:[^:]+:/;

/** The most human part of an ARN: a role session's name, a user's name, `root`. */
const hintOf = (arn: string): string => labelOf(arn.split(/[:/]/).pop() ?? '', 'caller');

/** The ARN after `arn:`, with `:` written `,`, `/` written `+`, and anything else outside the set escaped. */
const exactFormOf = (arn: string): string =>
  [...arn.slice('arn:'.length)]
    .map((char) => (char === ':' ? ',' : char === '/' ? '+' : escapeOutside(char, LITERAL)))
    .join('');

/**
 * The SourceIdentity that stands for a verified caller: one value per caller ARN, and never
 * the same value for two ARNs. Revocation keys on it: deny `aws:SourceIdentity` equal to
 * `sourceIdentityOf(arn)` to deny every session the broker issued to that caller.
 *
 * - **Exact form**, when it fits in 64 characters: the ARN without `arn:`, with `:` written
 *   `,`, `/` written `+`, and every other character outside `[A-Za-z0-9_.@-]` (so `,`, `+`,
 *   `=` too) written `=HH` per UTF-8 byte. It decodes back to the ARN, and always holds a `,`.
 * - **Hashed form**, otherwise: a readable hint (the last part of the ARN, cut to 41
 *   characters of `[\w+.@-]`), `=`, and 22 base64url characters of the SHA-256 of
 *   `["source-identity", arn]` as JSON. It never holds a `,`, so it never equals an exact form.
 *
 * Neither form holds a `:`, so neither can start with the reserved `aws:`.
 *
 * @throws {RangeError} when `arn` is not an ARN.
 * @example
 * sourceIdentityOf('arn:aws:iam::111111111111:user/alice'); // 'aws,iam,,111111111111,user+alice'
 * sourceIdentityOf('arn:aws:sts::111111111111:assumed-role/ci/build-42'); // 'aws,sts,,111111111111,assumed-role+ci+build-42'
 */
export function sourceIdentityOf(arn: string): string {
  if (!ARN.test(arn)) throw new RangeError('sourceIdentityOf takes an ARN');
  const exact = exactFormOf(arn);
  return exact.length <= MAX_SOURCE_IDENTITY_CHARS
    ? exact
    : `${hintOf(arn)}=${digestOf(['source-identity', arn])}`;
}
