import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../src/policy/matchesPattern.ts';

const ALICE = 'arn:aws:iam::111111111111:user/alice';

describe('matchesPattern', () => {
  it('matches a pattern without wildcards only to itself', () => {
    expect(matchesPattern(ALICE, ALICE)).toBe(true);
    expect(matchesPattern(ALICE, `${ALICE}x`)).toBe(false);
    expect(matchesPattern(ALICE, ALICE.slice(0, -1))).toBe(false);
    expect(matchesPattern(ALICE, `x${ALICE}`)).toBe(false);
    expect(matchesPattern(ALICE, 'arn:aws:iam::111111111111:user/bob')).toBe(false);
  });

  it('matches in any case, as IAM takes role and user names', () => {
    expect(matchesPattern('deploy', 'Deploy')).toBe(true);
    expect(matchesPattern('Deploy', 'deploy')).toBe(true);
    expect(matchesPattern('deploy-*', 'DEPLOY-x')).toBe(true);
    expect(matchesPattern('Admin*', 'admin')).toBe(true);
    expect(matchesPattern('Admin*', 'xadmin')).toBe(false);
    expect(matchesPattern('ärn', 'ÄRN')).toBe(true);
  });

  it('lets * match any run of characters, the empty run included', () => {
    expect(matchesPattern('*', '')).toBe(true);
    expect(matchesPattern('*', ALICE)).toBe(true);
    expect(matchesPattern('ci-*', 'ci-')).toBe(true);
    expect(matchesPattern('ci-*', 'ci-deploy')).toBe(true);
    expect(matchesPattern('ci-*', 'ci')).toBe(false);
    expect(matchesPattern('ci-*', 'xci-deploy')).toBe(false);
    expect(matchesPattern('*-ro', 'prod-ro')).toBe(true);
    expect(matchesPattern('*-ro', 'prod-rw')).toBe(false);
    expect(matchesPattern('a*b*c', 'abc')).toBe(true);
    expect(matchesPattern('a*b*c', 'a--b--c')).toBe(true);
    expect(matchesPattern('a*b*c', 'a--c--b')).toBe(false);
  });

  it('lets * cross the / and : of an ARN', () => {
    expect(matchesPattern('arn:aws:iam::*', ALICE)).toBe(true);
    expect(matchesPattern('arn:aws:iam::111111111111:*', 'arn:aws:iam::111111111111:role/a/b/c')).toBe(true);
    expect(matchesPattern('arn:aws:iam::*:user/alice', ALICE)).toBe(true);
    expect(matchesPattern('arn:aws:iam::*:user/alice', 'arn:aws:iam::111111111111:user/bob')).toBe(false);
    expect(matchesPattern('arn:aws:iam::222222222222:*', ALICE)).toBe(false);
  });

  it('lets ? match exactly one character', () => {
    expect(matchesPattern('?eploy', 'deploy')).toBe(true);
    expect(matchesPattern('?eploy', 'eploy')).toBe(false);
    expect(matchesPattern('?eploy', 'ddeploy')).toBe(false);
    expect(matchesPattern('user/al?ce', 'user/alice')).toBe(true);
    expect(matchesPattern('user/al?ce', 'user/alce')).toBe(false);
    expect(matchesPattern('user/al?ce', 'user/allice')).toBe(false);
    expect(matchesPattern('a?c', 'a/c')).toBe(true);
    expect(matchesPattern('???', 'abc')).toBe(true);
    expect(matchesPattern('???', 'ab')).toBe(false);
    expect(matchesPattern('???', 'abcd')).toBe(false);
  });

  it('combines * and ?', () => {
    expect(matchesPattern('arn:aws:iam::11111111111?:user/*', ALICE)).toBe(true);
    expect(matchesPattern('arn:aws:iam::11111111111?:user/*', 'arn:aws:iam::11111111111:user/alice')).toBe(
      false,
    );
    expect(matchesPattern('*?', '')).toBe(false);
    expect(matchesPattern('*?', 'x')).toBe(true);
  });

  it.each([
    ['a.c', 'a.c', 'abc'],
    ['a+c', 'a+c', 'aac'],
    ['a(b)c', 'a(b)c', 'abc'],
    ['a[b]c', 'a[b]c', 'abc'],
    ['a{2}', 'a{2}', 'aa'],
    ['a|b', 'a|b', 'a'],
    ['^a$', '^a$', 'a'],
    ['a\\d', 'a\\d', 'a1'],
    ['a/b', 'a/b', 'a\\/b'],
    ['user@example.com', 'user@example.com', 'userXexample.com'],
    ['a=b,c', 'a=b,c', 'a=bc'],
  ])('takes the regular-expression character in %j literally', (pattern, itself, lookalike) => {
    expect(matchesPattern(pattern, itself)).toBe(true);
    expect(matchesPattern(pattern, lookalike)).toBe(false);
  });

  it('answers the same for a pattern used again, with values alternating', () => {
    for (let round = 0; round < 3; round += 1) {
      expect(matchesPattern('ci-*', 'ci-one')).toBe(true);
      expect(matchesPattern('ci-*', 'cd-one')).toBe(false);
      expect(matchesPattern('ci-*', 'ci-two')).toBe(true);
    }
  });

  it('matches the empty pattern only to the empty value', () => {
    expect(matchesPattern('', '')).toBe(true);
    expect(matchesPattern('', 'a')).toBe(false);
  });
});
