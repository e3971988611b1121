import { DIGEST_CHARS } from './digestOf.ts';

/** What is left of 64 characters beside `=` and a digest. */
export const LABEL_CHARS = 64 - DIGEST_CHARS - 1;

/**
 * A readable label to stand before a digest: `text` cut to 41 characters of `[\w+.@-]`, the
 * session-name set less `,` and `=`, which mark the other forms of a name.
 *
 * @example
 * labelOf('Alice Smith', 'session'); // 'Alice-Smith'
 */
export function labelOf(text: string, fallback: string): string {
  return text.replace(/[^\w+.@-]/g, '-').slice(0, LABEL_CHARS) || fallback;
}
