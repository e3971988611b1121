import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { parseAccessPolicy } from '../../src/policy/parseAccessPolicy.ts';
import { resolveAccount } from '../../src/policy/resolveAccount.ts';

const policy = parseAccessPolicy(
  JSON.stringify({
    version: 1,
    aliases: { prod: '222222222222', a222222222222: '333333333333', x2222222222222: '444444444444' },
    rules: [],
  }),
);

describe('resolveAccount', () => {
  it('takes 12 digits as themselves', () => {
    expect(resolveAccount(policy, '222222222222')).toBe('222222222222');
  });

  it('resolves an alias that holds 12 digits as the alias, never as the digits', () => {
    expect(resolveAccount(policy, 'a222222222222')).toBe('333333333333');
    expect(resolveAccount(policy, 'x2222222222222')).toBe('444444444444');
  });

  it.each([
    'a222222222222x',
    '2222222222222',
    '22222222222',
    '222222222222\n',
    ' 222222222222',
    '222222222222 ',
    '２２２２２２２２２２２２',
    'Prod',
  ])('refuses %j, which is neither 12 digits nor a defined alias', (account) => {
    expect(() => resolveAccount(policy, account)).toThrow(ValidationError);
    expect(() => resolveAccount(policy, account)).toThrow(
      `Invalid request. accountId: "${account}" is not an alias the access policy defines`,
    );
  });
});
