/**
 * Global setup of the integration tests: the CLI's tests run `bin/stscreds.js`, which runs
 * the bundle, so the bundle is built from the current sources first.
 */
import { bundleCli } from '../packages/cli/build/bundleCli.ts';

export default async function setup(): Promise<void> {
  await bundleCli();
}
