import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributeSession } from '../src/attribution/attributeSession.ts';
import { readCallerTags } from '../src/attribution/readCallerTags.ts';
import { sessionNameFor } from '../src/attribution/sessionNameFor.ts';
import { toCaller } from '../src/identity/caller.ts';

const SEED = 20_261_201;
const NUM_RUNS = 300;

/** What STS accepts as RoleSessionName and SourceIdentity. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

// A small alphabet, rich in the characters that carry structure (`,` `+` `=` `/` `.`) and in
// those they are escaped to, so that near-collisions are common.
const nameChar = fc.constantFrom('a', 'b', '_', ',', '=', '+', '.', '@', '-', '2', 'C', 'B', 'D', 'F');
const name = (max: number) => fc.string({ unit: nameChar, minLength: 1, maxLength: max });
const longName = (max: number) =>
  fc.oneof(
    name(6),
    fc.tuple(name(4), fc.nat(max)).map(([n, pad]) => `${n}${'a'.repeat(pad)}`.slice(0, max)),
  );
const path = fc.array(name(3), { maxLength: 3 }).map((parts) => parts.map((part) => `${part}/`).join(''));
const partition = fc.constantFrom('aws', 'aws-cn', 'aws-us-gov');
const account = fc.constantFrom('111111111111', '222222222222', '999999999999');

/** Caller ARNs of every kind STS or a Function URL reports, that `toCaller` accepts. */
const callerArn = fc.oneof(
  fc
    .tuple(partition, account, path, longName(64))
    .map(([p, a, dir, n]) => `arn:${p}:iam::${a}:user/${dir}${n}`),
  fc
    .tuple(partition, account, path, longName(64))
    .map(([p, a, dir, n]) => `arn:${p}:iam::${a}:role/${dir}${n}`),
  fc
    .tuple(partition, account, longName(64), longName(64))
    .map(([p, a, role, session]) => `arn:${p}:sts::${a}:assumed-role/${role}/${session}`),
  fc
    .tuple(partition, account, name(30))
    .filter(([, , n]) => n.length >= 2)
    .map(([p, a, n]) => `arn:${p}:sts::${a}:federated-user/${n}`),
  fc.tuple(partition, account).map(([p, a]) => `arn:${p}:iam::${a}:root`),
);

/** Requested session names: often the same few, so that two callers often ask for one name. */
const requestedName = fc.oneof(
  fc.constantFrom('alice', 'deploy', 'a,b', 'a_b', 'a-b'),
  fc.string({ unit: nameChar, minLength: 2, maxLength: 64 }),
);

const attributesOf = (arn: string, sessionName?: string) => {
  const caller = toCaller(arn, arn.split(':')[4] ?? '', 'identity-proof');
  if (!caller) throw new Error(`toCaller refused ${arn}`);
  return attributeSession(caller, sessionName, 'req-1');
};

const distinct = (values: readonly unknown[]): number => new Set(values.map((v) => JSON.stringify(v))).size;

describe('attribution is injective', () => {
  it('gives distinct caller ARNs distinct SourceIdentity values, tags and default session names', () => {
    fc.assert(
      fc.property(fc.uniqueArray(callerArn, { minLength: 2, maxLength: 12 }), (arns) => {
        const sessions = arns.map((arn) => attributesOf(arn));
        expect(distinct(sessions.map((s) => s.sourceIdentity))).toBe(arns.length);
        expect(distinct(sessions.map((s) => s.tags))).toBe(arns.length);
        expect(distinct(sessions.map((s) => s.sessionName))).toBe(arns.length);
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });

  it('gives distinct (caller, requested name) pairs distinct session names, none of them a default one', () => {
    const pair = fc.tuple(callerArn, requestedName);
    fc.assert(
      fc.property(
        fc.uniqueArray(pair, { minLength: 2, maxLength: 12, selector: JSON.stringify }),
        (pairs) => {
          const requested = pairs.map(([arn, n]) => sessionNameFor(arn, n, 'r'));
          expect(distinct(requested)).toBe(pairs.length);
          const defaults = new Set(pairs.map(([arn]) => sessionNameFor(arn, undefined, 'r')));
          for (const n of requested) expect(defaults.has(n)).toBe(false);
          for (const [, n] of pairs) expect(requested).not.toContain(sessionNameFor(undefined, n, 'r'));
        },
      ),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });

  it('gives two callers asking for one session name two names', () => {
    fc.assert(
      fc.property(callerArn, callerArn, requestedName, (one, other, n) => {
        fc.pre(one !== other);
        expect(attributesOf(one, n).sessionName).not.toBe(attributesOf(other, n).sessionName);
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });

  it('keeps a requested name away from the default session name of every caller, whatever it asks for', () => {
    fc.assert(
      fc.property(callerArn, callerArn, (asker, victim) => {
        fc.pre(asker !== victim);
        const victims = attributesOf(victim).sessionName;
        expect(attributesOf(asker, victims).sessionName).not.toBe(victims);
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });

  it('writes only what STS accepts, and tags that read back to the ARN', () => {
    fc.assert(
      fc.property(callerArn, fc.option(requestedName), (arn, n) => {
        const session = attributesOf(arn, n ?? undefined);
        expect(session.sessionName).toMatch(SESSION_NAME);
        expect(session.sourceIdentity).toMatch(SESSION_NAME);
        expect(session.sourceIdentity?.startsWith('aws:')).toBe(false);
        for (const tag of session.tags) expect(tag.Value).toMatch(TAG_VALUE);
        expect(readCallerTags(session.tags)).toBe(arn);
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });
});
