import { createExpiringCache } from '@stscreds/broker';

export interface Scale {
  readonly callers: number;
  readonly accounts: number;
  readonly requests: number;
  readonly tickSeconds: number;
  readonly stsCallsCached: number;
  readonly stsCallsUncached: number;
  readonly peakStsRps: number;
  readonly steadyStsRps: number;
  readonly quotaRps: number;
}

const DAY_S = 86_400;

/**
 * One virtual day of a large organization, run through the broker's own cache code with a
 * virtual clock: each caller sends one request per tick, in turn to each of its accounts, and
 * re-signs its identity proof every `proofReuseSeconds`. Every cache miss is one STS call
 * (GetCallerIdentity for a proof, AssumeRole for credentials). Callers start at random
 * points of the first tick, as a fleet that comes up together would.
 */
export async function simulateScale(
  options: {
    callers?: number;
    accounts?: number;
    accountsPerCaller?: number;
    tickSeconds?: number;
    proofReuseSeconds?: number;
    credentialSeconds?: number;
  } = {},
): Promise<Scale> {
  const callers = options.callers ?? 10_000;
  const accounts = options.accounts ?? 1000;
  const perCaller = options.accountsPerCaller ?? 3;
  const tick = options.tickSeconds ?? 60;
  const proofReuse = options.proofReuseSeconds ?? 240;
  const lifetime = (options.credentialSeconds ?? 3600) * 1000;
  let clock = 0;
  const now = () => clock;
  const credentials = createExpiringCache<{ expiresAt: number }>({
    max: callers * perCaller,
    minRemainingMs: 15 * 60_000,
    expiresAt: (c) => c.expiresAt,
    now,
  });
  const proofs = createExpiringCache<{ expiresAt: number }>({
    max: callers,
    minRemainingMs: 0,
    expiresAt: (p) => p.expiresAt,
    now,
  });
  const perSecond = new Map<number, number>();
  const count = (): void => {
    const second = Math.floor(clock / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  };
  // A fixed pseudo-random layout, so that runs compare.
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const phases = Array.from({ length: callers }, () => random() * tick * 1000);
  const owned = Array.from({ length: callers }, () =>
    Array.from({ length: perCaller }, () => Math.floor(random() * accounts)),
  );
  const order = phases.map((phase, caller) => ({ phase, caller })).sort((a, b) => a.phase - b.phase);

  let requests = 0;
  let stsCalls = 0;
  for (let start = 0; start < DAY_S * 1000; start += tick * 1000) {
    const round = start / (tick * 1000);
    for (const { phase, caller } of order) {
      clock = start + phase;
      requests += 1;
      const signedAt = Math.floor(clock / (proofReuse * 1000)) * proofReuse * 1000;
      const proof = await proofs.get(`${caller}:${signedAt}`, async () => {
        stsCalls += 1;
        count();
        return { expiresAt: signedAt + 5 * 60_000 };
      });
      void proof;
      const account = (owned[caller] as number[])[round % perCaller];
      await credentials.get(`${caller}:${account}`, async () => {
        stsCalls += 1;
        count();
        return { expiresAt: clock + lifetime };
      });
    }
  }
  const lastHour = [...perSecond.entries()].filter(([second]) => second >= DAY_S - 3600);
  return {
    callers,
    accounts,
    requests,
    tickSeconds: tick,
    stsCallsCached: stsCalls,
    stsCallsUncached: requests * 2,
    peakStsRps: Math.max(...perSecond.values()),
    steadyStsRps: lastHour.reduce((sum, [, n]) => sum + n, 0) / 3600,
    quotaRps: 600,
  };
}
