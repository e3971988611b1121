import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { attributeSession } from '../src/attribution/attributeSession.ts';
import { CALLER_TAG, callerTagsOf } from '../src/attribution/callerTagsOf.ts';
import { readCallerTags } from '../src/attribution/readCallerTags.ts';
import { sessionNameFor } from '../src/attribution/sessionNameFor.ts';
import { sourceIdentityOf } from '../src/attribution/sourceIdentityOf.ts';
import { type Caller, toCaller } from '../src/identity/caller.ts';

/** What STS accepts as RoleSessionName and SourceIdentity. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** What STS accepts as a session tag value. */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

const callerOf = (arn: string, account = arn.split(':')[4] ?? ''): Caller => {
  const caller = toCaller(arn, account, 'identity-proof');
  if (!caller) throw new Error(`not a caller: ${arn}`);
  return caller;
};

const digest = (parts: string[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);

const ALICE = 'arn:aws:iam::111111111111:user/alice';

describe('attributeSession', () => {
  it('carries an IAM user as SourceIdentity, session name and tag', () => {
    expect(attributeSession(callerOf(ALICE), undefined, 'req-1')).toEqual({
      sessionName: 'aws,iam,,111111111111,user+alice',
      sourceIdentity: 'aws,iam,,111111111111,user+alice',
      tags: [{ Key: 'stscreds:caller', Value: ALICE }],
    });
    expect(CALLER_TAG).toBe('stscreds:caller');
  });

  it('keeps the path of a user, the partition and the account', () => {
    expect(sourceIdentityOf('arn:aws-us-gov:iam::111111111111:user/team/ops/bob')).toBe(
      'aws-us-gov,iam,,111111111111,user+team+ops+bob',
    );
  });

  it('carries a role session as the session, apart from the role and from a user', () => {
    const arn = 'arn:aws:sts::111111111111:assumed-role/ci/build-42';
    expect(attributeSession(callerOf(arn), undefined, 'req-1')).toEqual({
      sessionName: 'aws,sts,,111111111111,assumed-role+ci+build-42',
      sourceIdentity: 'aws,sts,,111111111111,assumed-role+ci+build-42',
      tags: [{ Key: CALLER_TAG, Value: arn }],
    });
    expect(sourceIdentityOf('arn:aws:iam::111111111111:role/ci/build-42')).toBe(
      'aws,iam,,111111111111,role+ci+build-42',
    );
  });

  it('names a root caller by its account', () => {
    const session = attributeSession(callerOf('arn:aws:iam::111111111111:root'), undefined, 'r');
    expect(session.sourceIdentity).toBe('aws,iam,,111111111111,root');
    expect(session.tags).toEqual([{ Key: CALLER_TAG, Value: 'arn:aws:iam::111111111111:root' }]);
  });

  it('writes a one-character user name whole, with no padding to make up', () => {
    const session = attributeSession(callerOf('arn:aws:iam::111111111111:user/a'), undefined, 'r');
    expect(session.sessionName).toBe('aws,iam,,111111111111,user+a');
    expect(session.sourceIdentity).toBe('aws,iam,,111111111111,user+a');
  });

  it('names an unverified session after the request id, without tags or SourceIdentity', () => {
    const session = attributeSession(undefined, undefined, '7f8e4c1a-0000-4000-8000-000000000001');
    expect(session).toEqual({ sessionName: 'stscreds-7f8e4c1a-0000-4000-8000-000000000001', tags: [] });
    expect(session).not.toHaveProperty('sourceIdentity');
  });

  it('namespaces the requested name of an unverified caller too, still without attribution', () => {
    expect(attributeSession(undefined, 'build-42', 'req-1')).toEqual({
      sessionName: `build-42=${digest(['unverified-session', 'build-42'])}`,
      tags: [],
    });
  });
});

describe('sourceIdentityOf', () => {
  it('escapes the characters that carry its structure, so that a,b and a_b and a=2Cb stay apart', () => {
    expect(sourceIdentityOf('arn:aws:iam::111111111111:user/a,b')).toBe('aws,iam,,111111111111,user+a=2Cb');
    expect(sourceIdentityOf('arn:aws:iam::111111111111:user/a_b')).toBe('aws,iam,,111111111111,user+a_b');
    expect(sourceIdentityOf('arn:aws:iam::111111111111:user/a=2Cb')).toBe(
      'aws,iam,,111111111111,user+a=3D2Cb',
    );
    expect(sourceIdentityOf('arn:aws:iam::111111111111:user/a+b')).toBe('aws,iam,,111111111111,user+a=2Bb');
    expect(sourceIdentityOf('arn:aws:iam::111111111111:user/a/b')).toBe('aws,iam,,111111111111,user+a+b');
  });

  it('escapes every byte of a character outside the set', () => {
    expect(sourceIdentityOf('arn:aws:iam::111111111111:user/ü')).toBe('aws,iam,,111111111111,user+=C3=BC');
  });

  it('keeps an exact form of exactly 64 characters, and hashes one of 65', () => {
    const prefix = 'arn:aws:iam::111111111111:user/';
    const fits = `${prefix}${'n'.repeat(64 - 'aws,iam,,111111111111,user+'.length)}`;
    expect(sourceIdentityOf(fits)).toHaveLength(64);
    expect(sourceIdentityOf(fits)).toBe(`aws,iam,,111111111111,user+${'n'.repeat(37)}`);
    const over = `${fits}n`;
    expect(sourceIdentityOf(over)).toBe(`${'n'.repeat(38)}=${digest(['source-identity', over])}`);
  });

  it('counts escapes in the length: a name that fits only unescaped is hashed', () => {
    const arn = `arn:aws:iam::111111111111:user/${','.repeat(13)}`;
    expect(sourceIdentityOf(arn)).toBe(`-------------=${digest(['source-identity', arn])}`);
  });

  it('hashes a long role session, with its session name as a readable hint cut to 41 characters', () => {
    const arn = `arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com`;
    const identity = sourceIdentityOf(arn);
    expect(identity).toBe(`alice@example.com=${digest(['source-identity', arn])}`);
    const long = `arn:aws:sts::111111111111:assumed-role/ci/${'s'.repeat(64)}`;
    expect(sourceIdentityOf(long)).toBe(`${'s'.repeat(41)}=${digest(['source-identity', long])}`);
    expect(sourceIdentityOf(long)).toHaveLength(64);
  });

  it('never writes a hashed form with a comma, which marks the exact form', () => {
    const arn = `arn:aws:iam::111111111111:user/${'x'.repeat(60)},y`;
    const identity = sourceIdentityOf(arn);
    expect(identity).not.toContain(',');
    expect(identity).toBe(`${'x'.repeat(41)}=${digest(['source-identity', arn])}`);
  });

  it.each(['', 'alice', 'aws:iam::111111111111:user/alice', 'arn:'])(
    'refuses %j, which is no ARN',
    (text) => {
      expect(() => sourceIdentityOf(text)).toThrow(RangeError);
    },
  );
});

describe('a caller cannot pass for another caller', () => {
  const attributes = (arn: string, sessionName?: string) => attributeSession(callerOf(arn), sessionName, 'r');
  const alice = attributes(ALICE);

  it.each([
    ['the user contractors/alice', 'arn:aws:iam::111111111111:user/contractors/alice'],
    ['a user alice in another account', 'arn:aws:iam::999999999999:user/alice'],
    ['a user alice in another partition', 'arn:aws-cn:iam::111111111111:user/alice'],
    ['a role session named alice', 'arn:aws:sts::111111111111:assumed-role/ci/alice'],
    ['a role session named like the user ARN', 'arn:aws:sts::111111111111:assumed-role/user/alice'],
    ['a federated user alice', 'arn:aws:sts::111111111111:federated-user/alice'],
    ['a role named alice', 'arn:aws:iam::111111111111:role/alice'],
  ])('%s gets another SourceIdentity, session name and tag than the user alice', (_, arn) => {
    const other = attributes(arn);
    expect(other.sourceIdentity).not.toBe(alice.sourceIdentity);
    expect(other.sessionName).not.toBe(alice.sessionName);
    expect(other.tags).not.toEqual(alice.tags);
  });

  it('keeps the users a,b and a_b apart in the tag, losslessly', () => {
    const comma = attributes('arn:aws:iam::111111111111:user/a,b');
    const underscore = attributes('arn:aws:iam::111111111111:user/a_b');
    expect(comma.tags).toEqual([{ Key: CALLER_TAG, Value: 'arn:aws:iam::111111111111:user/a=2Cb' }]);
    expect(underscore.tags).toEqual([{ Key: CALLER_TAG, Value: 'arn:aws:iam::111111111111:user/a_b' }]);
    expect(readCallerTags(comma.tags)).toBe('arn:aws:iam::111111111111:user/a,b');
    expect(comma.sourceIdentity).not.toBe(underscore.sourceIdentity);
  });

  it('gives bob asking for the session name "alice" a name of his own', () => {
    const bob = 'arn:aws:iam::111111111111:user/bob';
    const session = attributes(bob, 'alice');
    expect(session.sessionName).toBe(`alice=${digest(['session', bob, 'alice'])}`);
    expect(session.sessionName).not.toBe(alice.sessionName);
    expect(session.sessionName).not.toBe(attributes(ALICE, 'alice').sessionName);
    expect(session.sourceIdentity).toBe('aws,iam,,111111111111,user+bob');
  });

  it("gives bob asking for alice's very session name a name of his own", () => {
    const session = attributes('arn:aws:iam::111111111111:user/bob', alice.sessionName);
    expect(session.sessionName).not.toBe(alice.sessionName);
    expect(session.sessionName).not.toContain(',');
    expect(session.sessionName).toMatch(/^aws-iam--111111111111-user\+alice=[\w-]{22}$/);
  });

  it("gives bob asking for the name alice's requested name became a name of his own", () => {
    const aliceNamed = attributes(ALICE, 'deploy').sessionName;
    const bobNamed = attributes('arn:aws:iam::111111111111:user/bob', aliceNamed).sessionName;
    expect(bobNamed).not.toBe(aliceNamed);
  });

  it("gives an unverified caller asking for alice's session name a name of its own", () => {
    expect(attributeSession(undefined, alice.sessionName, 'r').sessionName).not.toBe(alice.sessionName);
    expect(attributeSession(undefined, 'deploy', 'r').sessionName).not.toBe(
      attributes(ALICE, 'deploy').sessionName,
    );
  });

  it('keeps the same requested name of one caller stable, so that its sessions share a name', () => {
    expect(attributes(ALICE, 'deploy').sessionName).toBe(attributes(ALICE, 'deploy').sessionName);
  });
});

describe('sessionNameFor', () => {
  it('keeps a requested name of up to 41 characters whole before the digest, and cuts a longer one', () => {
    const fits = 'n'.repeat(41);
    expect(sessionNameFor(ALICE, fits, 'r')).toBe(`${fits}=${digest(['session', ALICE, fits])}`);
    expect(sessionNameFor(ALICE, fits, 'r')).toHaveLength(64);
    const over = 'n'.repeat(42);
    expect(sessionNameFor(ALICE, over, 'r')).toBe(`${fits}=${digest(['session', ALICE, over])}`);
  });

  it('keeps requested names that differ only after the cut, or only in a comma, apart', () => {
    const names = ['x'.repeat(50), `${'x'.repeat(49)}y`, 'a,b', 'a-b', 'a=b'].map((name) =>
      sessionNameFor(ALICE, name, 'r'),
    );
    for (const name of names) expect(name).toMatch(SESSION_NAME);
    expect(new Set(names).size).toBe(names.length);
  });

  it('makes a valid, cut name of a long request id, marked with a digest', () => {
    const name = sessionNameFor(undefined, undefined, `weird id/${'z'.repeat(80)}`);
    expect(name).toMatch(SESSION_NAME);
    expect(name).toMatch(/^stscreds-weird-id-z{37}-[\w-]{8}$/);
    expect(name).toHaveLength(64);
    expect(sessionNameFor(undefined, undefined, `weird id/${'z'.repeat(81)}`)).not.toBe(name);
  });

  it('leaves a request-id name of exactly 64 characters whole', () => {
    const id = 'i'.repeat(64 - 'stscreds-'.length);
    expect(sessionNameFor(undefined, undefined, id)).toBe(`stscreds-${id}`);
  });
});

describe('callerTagsOf', () => {
  it('leaves an ARN of exactly 256 characters in one tag', () => {
    const arn = `arn:aws:iam::111111111111:user/${'v'.repeat(256 - 31)}`;
    expect(arn).toHaveLength(256);
    expect(callerTagsOf(arn)).toEqual([{ Key: CALLER_TAG, Value: arn }]);
  });

  it('carries a longer ARN whole, 256 characters to a tag', () => {
    const arn = `arn:aws:iam::111111111111:user/${'p/'.repeat(300)}u`;
    const tags = callerTagsOf(arn);
    expect(tags.map((tag) => tag.Key)).toEqual([CALLER_TAG, `${CALLER_TAG}:2`, `${CALLER_TAG}:3`]);
    expect(tags.map((tag) => tag.Value.length)).toEqual([256, 256, arn.length - 512]);
    for (const tag of tags) expect(tag.Value).toMatch(TAG_VALUE);
    expect(tags.map((tag) => tag.Value).join('')).toBe(arn);
    expect(readCallerTags(tags)).toBe(arn);
  });

  it('cuts after the escapes, so a tag can end inside one and still be read back', () => {
    const arn = `arn:aws:iam::111111111111:user/x${','.repeat(100)}`;
    const tags = callerTagsOf(arn);
    expect(tags).toHaveLength(2);
    expect(tags[0]?.Value.endsWith('=2')).toBe(true);
    expect(readCallerTags(tags)).toBe(arn);
  });

  it('escapes what tag values do not allow, and the escape itself', () => {
    expect(callerTagsOf('arn:aws:iam::111111111111:user/a,b=c')).toEqual([
      { Key: CALLER_TAG, Value: 'arn:aws:iam::111111111111:user/a=2Cb=3Dc' },
    ]);
  });
});

describe('readCallerTags', () => {
  it.each([
    ['no caller tag', [{ Key: 'other', Value: 'x' }]],
    ['a dangling escape', [{ Key: CALLER_TAG, Value: 'arn:aws:iam::111111111111:user/a=2' }]],
    ['a lower-case escape', [{ Key: CALLER_TAG, Value: 'arn:aws:iam::111111111111:user/a=2c' }]],
    ['a character the writer escapes', [{ Key: CALLER_TAG, Value: 'arn:aws:iam::111111111111:user/a b' }]],
    ['bytes that are no UTF-8', [{ Key: CALLER_TAG, Value: 'arn:aws:iam::111111111111:user/=FF' }]],
  ])('answers undefined for %s', (_, tags) => {
    expect(readCallerTags(tags)).toBeUndefined();
  });
});
