import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { bundleBroker } from '../packages/broker/scripts/bundleBroker.ts';

export interface Bundles {
  readonly broker: string;
  readonly baseline: string;
  /** The bytes a cold start loads: each is one file, with everything inside. */
  readonly brokerBytes: number;
  readonly baselineBytes: number;
}

/**
 * Bundles the broker's Lambda asset exactly as it ships (the broker package's bundle script),
 * and the baseline handler with the same script and settings, into `dir`.
 */
export async function bundleBoth(dir: string): Promise<Bundles> {
  const broker = await bundleBroker(join(dir, 'broker/index.mjs'));
  const baseline = await bundleBroker(
    join(dir, 'baseline/index.mjs'),
    resolve(import.meta.dirname, 'baseline/handler.ts'),
  );
  return {
    broker,
    baseline,
    brokerBytes: (await stat(broker)).size,
    baselineBytes: (await stat(baseline)).size,
  };
}
