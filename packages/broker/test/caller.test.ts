import { describe, expect, it } from 'vitest';
import { toCaller } from '../src/identity/caller.ts';

describe('toCaller', () => {
  it('matches an assumed-role session as its role ARN, and keeps the session name', () => {
    expect(
      toCaller('arn:aws:sts::111111111111:assumed-role/ci/build-42', '111111111111', 'identity-proof'),
    ).toEqual({
      arn: 'arn:aws:sts::111111111111:assumed-role/ci/build-42',
      principalArn: 'arn:aws:iam::111111111111:role/ci',
      accountId: '111111111111',
      sessionName: 'build-42',
      verifiedBy: 'identity-proof',
    });
  });

  it('accepts every character IAM allows in role and session names', () => {
    expect(
      toCaller(
        'arn:aws:sts::111111111111:assumed-role/Role_+=,.@-x/alice@example.com',
        '111111111111',
        'function-url',
      ),
    ).toEqual({
      arn: 'arn:aws:sts::111111111111:assumed-role/Role_+=,.@-x/alice@example.com',
      principalArn: 'arn:aws:iam::111111111111:role/Role_+=,.@-x',
      accountId: '111111111111',
      sessionName: 'alice@example.com',
      verifiedBy: 'function-url',
    });
  });

  it('takes an IAM user as itself, without a session name', () => {
    const caller = toCaller('arn:aws:iam::111111111111:user/alice', '111111111111', 'identity-proof');
    expect(caller).toEqual({
      arn: 'arn:aws:iam::111111111111:user/alice',
      principalArn: 'arn:aws:iam::111111111111:user/alice',
      accountId: '111111111111',
      verifiedBy: 'identity-proof',
    });
    expect(caller).not.toHaveProperty('sessionName');
  });

  it('takes a user with a path as itself', () => {
    expect(
      toCaller('arn:aws:iam::111111111111:user/team/ops/alice', '111111111111', 'function-url')?.principalArn,
    ).toBe('arn:aws:iam::111111111111:user/team/ops/alice');
  });

  it('takes an IAM role ARN, with or without a path, as itself', () => {
    for (const arn of [
      'arn:aws:iam::111111111111:role/ci-deploy',
      'arn:aws:iam::111111111111:role/service/ci.deploy',
    ]) {
      expect(toCaller(arn, '111111111111', 'function-url')).toEqual({
        arn,
        principalArn: arn,
        accountId: '111111111111',
        verifiedBy: 'function-url',
      });
    }
  });

  it('takes the account root as itself', () => {
    expect(toCaller('arn:aws:iam::111111111111:root', '111111111111', 'identity-proof')).toEqual({
      arn: 'arn:aws:iam::111111111111:root',
      principalArn: 'arn:aws:iam::111111111111:root',
      accountId: '111111111111',
      verifiedBy: 'identity-proof',
    });
  });

  it('takes a federated user as itself', () => {
    expect(
      toCaller('arn:aws:sts::111111111111:federated-user/bob', '111111111111', 'identity-proof')
        ?.principalArn,
    ).toBe('arn:aws:sts::111111111111:federated-user/bob');
  });

  it.each([
    [
      'aws-cn',
      'arn:aws-cn:sts::111111111111:assumed-role/ci/build-42',
      'arn:aws-cn:iam::111111111111:role/ci',
    ],
    [
      'aws-us-gov',
      'arn:aws-us-gov:sts::111111111111:assumed-role/ci/build-42',
      'arn:aws-us-gov:iam::111111111111:role/ci',
    ],
    ['aws-cn', 'arn:aws-cn:iam::111111111111:user/alice', 'arn:aws-cn:iam::111111111111:user/alice'],
  ])('keeps the %s partition: %s → %s', (_partition, arn, principalArn) => {
    const caller = toCaller(arn, '111111111111', 'identity-proof');
    expect(caller?.principalArn).toBe(principalArn);
    expect(caller?.arn).toBe(arn);
  });

  it.each([
    'arn:aws:sts::222222222222:assumed-role/ci/build-42',
    'arn:aws:iam::222222222222:user/alice',
    'arn:aws:iam::222222222222:root',
  ])('refuses %s, which names another account than the verified one', (arn) => {
    expect(toCaller(arn, '111111111111', 'identity-proof')).toBeUndefined();
  });

  it.each([
    '',
    'alice',
    'not an arn',
    'arn:aws:s3:::my-bucket',
    'arn:aws:iam::11111111111:user/alice',
    'arn:aws:iam::1111111111111:user/alice',
    'arn:aws:iam::111111111111:',
    'arn:aws:iam:us-west-2:111111111111:user/alice',
    'arn:other:iam::111111111111:user/alice',
    'arn:aws:iam::111111111111:user/alice\n',
    ' arn:aws:iam::111111111111:user/alice',
    'arn:aws:iam::111111111111:user/al ice',
    'arn:aws:sts::111111111111:assumed-role/ci/build 42',
    'arn:aws:ec2::111111111111:instance/i-0123',
  ])('refuses the garbage %j', (arn) => {
    expect(toCaller(arn, '111111111111', 'identity-proof')).toBeUndefined();
  });
});

describe('toCaller refuses ARNs STS never reports for a caller', () => {
  it.each([
    'arn:aws:sts::111111111111:assumed-role/ci',
    `arn:aws:sts::111111111111:assumed-role/ci/${'s'.repeat(65)}`,
    'arn:aws:iam::111111111111:group/admins',
    'arn:aws:iam::111111111111:policy/x',
    'arn:aws:sts::111111111111:user/alice',
  ])('%s', (arn) => {
    expect(toCaller(arn, '111111111111', 'identity-proof')).toBeUndefined();
  });
});

describe('toCaller anchors its patterns at both ends', () => {
  it.each([
    'xarn:aws:sts::111111111111:assumed-role/ci/build-42',
    'arn:aws:sts::111111111111:assumed-role/ci/build-42/more',
    'arn:aws:sts::111111111111:assumed-role/ci/build-42:x',
    'arn:aws:sts::111111111111:assumed-role/ci/build-42 ',
    'arn:aws:sts::111111111111:assumed-role/ci/build-42\n',
    'arn:aws-cnx:sts::111111111111:assumed-role/ci/build-42',
    'arn:xaws:sts::111111111111:assumed-role/ci/build-42',
    'xarn:aws:iam::111111111111:user/alice',
    'arn:aws:iam::111111111111:user/alice:x',
    'arn:aws:iam::111111111111:rootx',
    'arn:aws:sts::111111111111:federated-user/bob/x',
    'arn:awsx:iam::111111111111:user/alice',
  ])('refuses %j', (arn) => {
    expect(toCaller(arn, '111111111111', 'identity-proof')).toBeUndefined();
  });
});
