const compiled = new Map<string, RegExp>();

/**
 * IAM-style wildcard matching: `*` matches any run of characters, `?` any one character,
 * everything else only itself, case-sensitively.
 *
 * @example
 * matchesPattern('arn:aws:iam::111111111111:role/ci-*', 'arn:aws:iam::111111111111:role/ci-deploy'); // true
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
    regex = new RegExp(`^${source}$`, 's');
    compiled.set(pattern, regex);
  }
  return regex.test(value);
}
