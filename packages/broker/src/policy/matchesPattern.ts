const compiled = new Map<string, RegExp>();

/**
 * IAM-style wildcard matching: `*` matches any run of characters, `?` any one character,
 * everything else only itself, in any case. IAM takes role and user names that differ only
 * in case as one name, and whoever picks a session name may pick it in any case, so a
 * case-sensitive match would let `admin` past a deny on `Admin*`.
 *
 * @example
 * matchesPattern('arn:aws:iam::111111111111:role/ci-*', 'arn:aws:iam::111111111111:role/CI-Deploy'); // true
 */
export function matchesPattern(pattern: string, value: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    const source = pattern
      .split('')
      .map((char) =>
        char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'),
      )
      .join('');
    regex = new RegExp(`^${source}$`, 'is');
    compiled.set(pattern, regex);
  }
  return regex.test(value);
}
