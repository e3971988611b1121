import type { AwsCredentialIdentity } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import {
  StsCredsAccessDeniedError,
  StsCredsThrottledError,
  StsCredsUpstreamError,
  StsCredsValidationError,
} from '../src/errors.ts';
import { refreshingProvider } from '../src/refreshingProvider.ts';

const START = Date.parse('2026-11-28T12:00:00Z');
const HOUR = 3600_000;
const AHEAD = 5 * 60_000;

/** A fetch scripted call by call, a clock the test moves, and a count of fetches. */
const rig = (script: ReadonlyArray<'ok' | Error>) => {
  let clock = START;
  let calls = 0;
  const fetch = async (): Promise<AwsCredentialIdentity> => {
    const step = script[Math.min(calls, script.length - 1)];
    calls += 1;
    if (step instanceof Error) throw step;
    return {
      accessKeyId: `ASIA${calls}`,
      secretAccessKey: 's',
      expiration: new Date(clock + HOUR),
    };
  };
  const provider = refreshingProvider(fetch, {
    refreshAheadMs: AHEAD,
    retryBaseMs: 1_000,
    retryMaxMs: 8_000,
    now: () => clock,
    random: () => 0.999_999,
  });
  return {
    provider,
    at: (ms: number) => {
      clock = START + ms;
    },
    calls: () => calls,
  };
};

const outage = () => new StsCredsUpstreamError('the broker could not be reached');
/** Just inside the refresh window of credentials fetched at START. */
const IN_WINDOW = HOUR - AHEAD;

describe('refreshingProvider', () => {
  it('serves held credentials until the refresh window, then refreshes', async () => {
    const r = rig(['ok']);
    expect((await r.provider()).accessKeyId).toBe('ASIA1');
    r.at(IN_WINDOW - 1);
    expect((await r.provider()).accessKeyId).toBe('ASIA1');
    r.at(IN_WINDOW);
    expect((await r.provider()).accessKeyId).toBe('ASIA2');
  });

  it.each([
    ['an outage', outage()],
    ['throttling', new StsCredsThrottledError('slow down')],
    ['a network error', new Error('connect ECONNREFUSED')],
  ])(
    'keeps serving still-valid credentials through %s, and fails only once they expire',
    async (_, error) => {
      const r = rig(['ok', error]);
      await r.provider();
      r.at(IN_WINDOW);
      expect((await r.provider()).accessKeyId).toBe('ASIA1');
      r.at(HOUR - 1);
      expect((await r.provider()).accessKeyId).toBe('ASIA1');
      r.at(HOUR);
      await expect(r.provider()).rejects.toThrow(error);
    },
  );

  it('waits with exponential backoff between failed refreshes, to the exact millisecond', async () => {
    const r = rig(['ok', outage()]);
    await r.provider();
    r.at(IN_WINDOW);
    await r.provider();
    expect(r.calls()).toBe(2);
    // random() just under 1 makes each wait just under its ceiling: 1 s, 2 s, 4 s, then 8 s at most.
    let failedAt = IN_WINDOW;
    for (const wait of [1_000, 2_000, 4_000, 8_000, 8_000]) {
      r.at(failedAt + wait - 1);
      await r.provider();
      const before = r.calls();
      r.at(failedAt + wait);
      await r.provider();
      expect(r.calls()).toBe(before + 1);
      failedAt += wait;
    }
  });

  it('returns to the normal schedule once a retry succeeds', async () => {
    const r = rig(['ok', outage(), 'ok']);
    await r.provider();
    r.at(IN_WINDOW);
    expect((await r.provider()).accessKeyId).toBe('ASIA1');
    r.at(IN_WINDOW + 1_000);
    expect((await r.provider()).accessKeyId).toBe('ASIA3');
    r.at(IN_WINDOW + 2_000);
    await r.provider();
    expect(r.calls()).toBe(3);
  });

  it.each([
    ['AccessDenied', new StsCredsAccessDeniedError('no longer allowed')],
    ['ValidationError', new StsCredsValidationError('bad request')],
  ])('stops serving held credentials on %s, and asks again at the next call', async (_, error) => {
    const r = rig(['ok', error, 'ok']);
    await r.provider();
    r.at(IN_WINDOW);
    await expect(r.provider()).rejects.toThrow(error);
    expect((await r.provider()).accessKeyId).toBe('ASIA3');
  });

  it('without credentials to fall back on, fails at once and retries at the next call', async () => {
    const r = rig([outage(), 'ok']);
    await expect(r.provider()).rejects.toThrow(StsCredsUpstreamError);
    expect((await r.provider()).accessKeyId).toBe('ASIA2');
  });

  it('ignores the backoff for forceRefresh, and throws its failure', async () => {
    const r = rig(['ok', outage()]);
    await r.provider();
    r.at(IN_WINDOW);
    await r.provider();
    await expect(r.provider({ forceRefresh: true })).rejects.toThrow(StsCredsUpstreamError);
    expect(r.calls()).toBe(3);
  });

  it('makes one fetch for concurrent calls, during an outage too', async () => {
    const r = rig(['ok', outage()]);
    await Promise.all(Array.from({ length: 50 }, () => r.provider()));
    expect(r.calls()).toBe(1);
    r.at(IN_WINDOW);
    const all = await Promise.all(Array.from({ length: 50 }, () => r.provider()));
    expect(r.calls()).toBe(2);
    expect(new Set(all.map((c) => c.accessKeyId))).toEqual(new Set(['ASIA1']));
  });
});
