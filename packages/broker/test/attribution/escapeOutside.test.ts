import { describe, expect, it } from 'vitest';
import { escapeOutside } from '../../src/attribution/escapeOutside.ts';
import { sourceIdentityOf } from '../../src/attribution/sourceIdentityOf.ts';

describe('escapeOutside', () => {
  it('keeps the literal characters, and writes every other byte as =XX, two upper-case digits', () => {
    expect(escapeOutside('ab', /^[a-z]$/)).toBe('ab');
    expect(escapeOutside('a b\n', /^[a-z]$/)).toBe('a=20b=0A');
    expect(escapeOutside('é€', /^[a-z]$/)).toBe('=C3=A9=E2=82=AC');
  });

  it('escapes the escape character itself, even where it counts as literal', () => {
    expect(escapeOutside('a=b', /^[a-z=]$/)).toBe('a=3Db');
  });
});

describe('sourceIdentityOf', () => {
  it('takes only text that starts as an ARN with a partition', () => {
    expect(sourceIdentityOf('arn:aws:iam::111111111111:user/alice')).toBe('aws,iam,,111111111111,user+alice');
    for (const text of [
      'xarn:aws:iam::111111111111:user/alice',
      'arn::iam::111111111111:user/alice',
      'alice',
    ]) {
      expect(() => sourceIdentityOf(text)).toThrow(new RangeError('sourceIdentityOf takes an ARN'));
    }
  });
});
