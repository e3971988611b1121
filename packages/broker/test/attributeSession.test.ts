import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { attributeSession, CALLER_TAG } from '../src/attribution/attributeSession.ts';
import { type Caller, toCaller } from '../src/identity/caller.ts';

/** What STS accepts as RoleSessionName and SourceIdentity. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** What STS accepts as a session tag value. */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

const callerOf = (arn: string): Caller => {
  const caller = toCaller(arn, '111111111111', 'identity-proof');
  if (!caller) throw new Error(`not a caller: ${arn}`);
  return caller;
};

const handMade = (overrides: Partial<Caller>): Caller => ({
  arn: 'arn:aws:iam::111111111111:user/alice',
  principalArn: 'arn:aws:iam::111111111111:user/alice',
  accountId: '111111111111',
  verifiedBy: 'function-url',
  ...overrides,
});

const sha8 = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 8);

describe('attributeSession', () => {
  it('names the session after an IAM user, and carries the user as SourceIdentity and tag', () => {
    expect(attributeSession(callerOf('arn:aws:iam::111111111111:user/alice'), undefined, 'req-1')).toEqual({
      sessionName: 'alice',
      sourceIdentity: 'alice',
      tags: [{ Key: 'stscreds:caller', Value: 'arn:aws:iam::111111111111:user/alice' }],
    });
    expect(CALLER_TAG).toBe('stscreds:caller');
  });

  it('uses the last part of a user ARN with a path', () => {
    const session = attributeSession(callerOf('arn:aws:iam::111111111111:user/team/ops/bob'), undefined, 'r');
    expect(session.sessionName).toBe('bob');
    expect(session.sourceIdentity).toBe('bob');
  });

  it('names a root caller "root"', () => {
    const session = attributeSession(callerOf('arn:aws:iam::111111111111:root'), undefined, 'r');
    expect(session.sessionName).toBe('root');
    expect(session.tags).toEqual([{ Key: CALLER_TAG, Value: 'arn:aws:iam::111111111111:root' }]);
  });

  it('uses the session name of an assumed role, and tags the full session ARN', () => {
    const arn = 'arn:aws:sts::111111111111:assumed-role/ci/build-42';
    expect(attributeSession(callerOf(arn), undefined, 'req-1')).toEqual({
      sessionName: 'build-42',
      sourceIdentity: 'build-42',
      tags: [{ Key: CALLER_TAG, Value: arn }],
    });
  });

  it('keeps a requested session name, while SourceIdentity still shows the caller', () => {
    const session = attributeSession(
      callerOf('arn:aws:sts::111111111111:assumed-role/ci/build-42'),
      'my-own-name',
      'req-1',
    );
    expect(session.sessionName).toBe('my-own-name');
    expect(session.sourceIdentity).toBe('build-42');
    expect(session.tags).toEqual([
      { Key: CALLER_TAG, Value: 'arn:aws:sts::111111111111:assumed-role/ci/build-42' },
    ]);
  });

  it('truncates a long name to 64 characters, marking the cut with 8 hex of a hash', () => {
    const long = 'a'.repeat(100);
    const session = attributeSession(handMade({ sessionName: long }), undefined, 'r');
    expect(session.sessionName).toHaveLength(64);
    expect(session.sessionName).toBe(`${'a'.repeat(55)}-${sha8(long)}`);
    expect(session.sessionName).toMatch(/^a{55}-[0-9a-f]{8}$/);
    expect(session.sourceIdentity).toBe(session.sessionName);
  });

  it('leaves a name of exactly 64 characters whole, and cuts one of 65', () => {
    const exactly = 'b'.repeat(64);
    expect(attributeSession(handMade({ sessionName: exactly }), undefined, 'r').sessionName).toBe(exactly);
    const over = 'b'.repeat(65);
    const cut = attributeSession(handMade({ sessionName: over }), undefined, 'r').sessionName;
    expect(cut).toHaveLength(64);
    expect(cut).not.toBe(over.slice(0, 64));
    expect(cut).toMatch(/^b{55}-[0-9a-f]{8}$/);
  });

  it('keeps long names that differ only after the cut distinct', () => {
    const prefix = 'x'.repeat(70);
    const names = ['one', 'two', 'three', 'four'].map(
      (end) => attributeSession(handMade({ sessionName: `${prefix}${end}` }), undefined, 'r').sessionName,
    );
    for (const name of names) expect(name).toMatch(SESSION_NAME);
    expect(new Set(names).size).toBe(names.length);
  });

  it('truncates a long session from a real assumed-role ARN to a valid name', () => {
    const session = 's'.repeat(64);
    const attribution = attributeSession(
      callerOf(`arn:aws:sts::111111111111:assumed-role/ci/${session}`),
      undefined,
      'r',
    );
    expect(attribution.sessionName).toBe(session);
    expect(attribution.sourceIdentity).toMatch(SESSION_NAME);
  });

  it('replaces characters STS does not allow in session names', () => {
    const session = attributeSession(handMade({ sessionName: 'Alice Smith: ops/üx#1' }), undefined, 'r');
    expect(session.sessionName).toBe('Alice-Smith--ops--x-1');
    expect(session.sourceIdentity).toBe('Alice-Smith--ops--x-1');
    expect(session.sessionName).toMatch(SESSION_NAME);
  });

  it('pads a one-character name to the two characters STS requires', () => {
    const session = attributeSession(callerOf('arn:aws:iam::111111111111:user/a'), undefined, 'r');
    expect(session.sessionName).toMatch(SESSION_NAME);
    expect(session.sessionName.startsWith('a')).toBe(true);
    expect(session.sourceIdentity).toMatch(SESSION_NAME);
  });

  it('pads an empty name to two characters', () => {
    const session = attributeSession(handMade({ sessionName: '' }), undefined, 'r');
    expect(session.sessionName).toMatch(SESSION_NAME);
  });

  it('names an unverified session after the request id, without tags or SourceIdentity', () => {
    const session = attributeSession(undefined, undefined, '7f8e4c1a-0000-4000-8000-000000000001');
    expect(session).toEqual({ sessionName: 'stscreds-7f8e4c1a-0000-4000-8000-000000000001', tags: [] });
    expect(session).not.toHaveProperty('sourceIdentity');
  });

  it('keeps the requested session name of an unverified caller, still without attribution', () => {
    expect(attributeSession(undefined, 'build-42', 'req-1')).toEqual({ sessionName: 'build-42', tags: [] });
  });

  it('makes a valid session name of any request id', () => {
    const session = attributeSession(undefined, undefined, `weird id/${'z'.repeat(80)}`);
    expect(session.sessionName).toMatch(SESSION_NAME);
    expect(session.sessionName.startsWith('stscreds-weird-id-')).toBe(true);
    expect(session.sessionName).toHaveLength(64);
  });

  it('limits the tag value to 256 characters, marking the cut with a hash', () => {
    const arn = `arn:aws:iam::111111111111:user/${'u'.repeat(300)}`;
    const [tag] = attributeSession(handMade({ arn, principalArn: arn }), undefined, 'r').tags;
    expect(tag?.Key).toBe(CALLER_TAG);
    expect(tag?.Value).toHaveLength(256);
    expect(tag?.Value).toBe(`${arn.slice(0, 247)}-${sha8(arn)}`);
    expect(tag?.Value).toMatch(TAG_VALUE);
  });

  it('leaves a tag value of exactly 256 characters whole', () => {
    const arn = `arn:aws:iam::111111111111:user/${'v'.repeat(256 - 31)}`;
    expect(arn).toHaveLength(256);
    const [tag] = attributeSession(handMade({ arn, principalArn: arn }), undefined, 'r').tags;
    expect(tag?.Value).toBe(arn);
  });

  it('replaces characters that session tag values do not allow', () => {
    const arn = 'arn:aws:iam::111111111111:user/a,b!c';
    const [tag] = attributeSession(callerOf('arn:aws:iam::111111111111:user/a,b'), undefined, 'r').tags;
    expect(tag?.Value).toBe('arn:aws:iam::111111111111:user/a_b');
    const [other] = attributeSession(handMade({ arn, principalArn: arn }), undefined, 'r').tags;
    expect(other?.Value).toBe('arn:aws:iam::111111111111:user/a_b_c');
    expect(other?.Value).toMatch(TAG_VALUE);
  });
});
