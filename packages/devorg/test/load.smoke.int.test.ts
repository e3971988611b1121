import { describe, expect, it } from 'vitest';
import { runLoad } from '../../../bench/runLoad.ts';

// The load test in miniature, so that `npm test` keeps bench/load.ts working. No timing is
// asserted: this machine is shared, and the figures belong to `npm run bench:load`.
describe('the load test, in miniature', () => {
  it('sends 200 requests at concurrency 8 with no error, each with the outcome its kind calls for', async () => {
    const result = await runLoad({ requests: 200, concurrency: 8, timeLimitMs: 50_000 });
    expect(result.errors).toEqual({
      total: 0,
      transport: 0,
      serverError: 0,
      functionError: 0,
      unexpected: 0,
      samples: [],
    });
    expect(result.aborted).toBe(false);
    expect(result.completed).toBe(200);
    expect(result.outcomes).toEqual({
      hit: { sent: 160, ok: 160 },
      miss: { sent: 20, ok: 20 },
      deny: { sent: 20, ok: 20 },
    });
    // Every hit is served the one cached session; every miss gets a session of its own.
    expect(result.distinctAccessKeys).toEqual({ hit: 1, miss: 20 });
    // A proof is bound to its request: one for alice's repeated hit, one for bob's, one per miss.
    expect(result.proofsSigned).toBe(22);
    expect(result.latencyMs.p50).toBeLessThanOrEqual(result.latencyMs.p99);
  }, 60_000);
});
