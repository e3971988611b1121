import { resolve } from 'node:path';
import { bundleBroker } from '../packages/broker/scripts/bundleBroker.ts';

/**
 * The construct library deploys the broker bundle it ships; the tests synthesize with a bundle
 * fresh from the sources under test, built the way the package's `bundle` script builds it.
 */
export default async function setup(): Promise<void> {
  await bundleBroker(resolve(import.meta.dirname, '../packages/infra/lambda/broker'));
}
