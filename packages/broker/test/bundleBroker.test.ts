import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrokerBundle, bundleBroker } from '../scripts/bundleBroker.ts';

const dir = mkdtempSync(join(tmpdir(), 'stscreds-broker-bundle-'));
let bundle: BrokerBundle;
beforeAll(async () => {
  bundle = await bundleBroker(dir);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a broker needs only when something happens: an SSM policy, the first metrics. */
const ON_DEMAND = [
  '@aws-sdk/client-ssm',
  '@aws-lambda-powertools/parameters',
  '@aws-lambda-powertools/metrics',
];

describe('the broker bundle', () => {
  it('starts without what it loads on demand, or what it never uses', () => {
    const loaded = bundle.loadedInputs;
    expect(loaded.some((file) => file.includes('packages/broker/src/handler.ts'))).toBe(true);
    expect(loaded.some((file) => file.includes('packages/contract/src/contract.ts'))).toBe(true);
    for (const part of ON_DEMAND) expect(loaded.filter((file) => file.includes(part))).toEqual([]);
    // The contract's answer schemas are the caller's; the broker only reads requests.
    expect(loaded.filter((file) => file.includes('packages/contract/src/brokerResponseSchema.ts'))).toEqual(
      [],
    );
  });
});
