import { SimulatorMissingError } from './errors.ts';

/** The part of `@cloud-copilot/iam-simulate` that the chain simulation uses. */
export type Simulator = Pick<
  typeof import('@cloud-copilot/iam-simulate'),
  'runSimulation' | 'getDenialReasons' | 'getGrantReasons'
>;

const isMissing = (error: unknown): boolean =>
  error instanceof Error &&
  'code' in error &&
  (error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'MODULE_NOT_FOUND') &&
  error.message.includes('@cloud-copilot/iam-simulate');

/**
 * Loads the IAM simulator on demand. It is AGPL-licensed, so stscreds never requires it: a
 * command that needs it says how to install it.
 *
 * @throws {SimulatorMissingError} when the package is not installed.
 * @example
 * const simulator = await loadSimulator();
 */
export async function loadSimulator(
  importer: () => Promise<Simulator> = () => import('@cloud-copilot/iam-simulate'),
): Promise<Simulator> {
  try {
    return await importer();
  } catch (error) {
    if (isMissing(error)) throw new SimulatorMissingError({ cause: error });
    throw error;
  }
}
