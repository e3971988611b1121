import { join, resolve } from 'node:path';
import { bundleBroker } from '../packages/broker/scripts/bundleBroker.ts';

export interface Bundles {
  /** The entry modules. */
  readonly broker: string;
  readonly baseline: string;
  /** The bytes a cold start loads: each entry and the chunks it imports statically. */
  readonly brokerBytes: number;
  readonly baselineBytes: number;
  /** Every file of each asset, the chunks loaded on demand included. */
  readonly brokerAssetBytes: number;
  readonly baselineAssetBytes: number;
}

/**
 * Bundles the broker's Lambda asset exactly as it ships (the broker package's bundle script),
 * and the baseline handler with the same script and settings, into `dir`.
 */
export async function bundleBoth(dir: string): Promise<Bundles> {
  const broker = await bundleBroker(join(dir, 'broker'));
  const baseline = await bundleBroker(
    join(dir, 'baseline'),
    resolve(import.meta.dirname, 'baseline/handler.ts'),
  );
  return {
    broker: broker.entry,
    baseline: baseline.entry,
    brokerBytes: broker.loadedBytes,
    baselineBytes: baseline.loadedBytes,
    brokerAssetBytes: broker.totalBytes,
    baselineAssetBytes: baseline.totalBytes,
  };
}
