export interface RetryDelayOptions {
  /** The ceiling of the first wait. Default: 2 seconds. */
  readonly baseMs?: number;
  /** The highest ceiling. Default: 1 minute. */
  readonly maxMs?: number;
  /** In [0, 1): spreads the retries of many processes. Default: `Math.random`. */
  readonly random?: () => number;
}

/**
 * How long to wait before the next attempt after `failures` failed ones: exponential backoff
 * whose ceiling doubles from `baseMs` up to `maxMs`, with "equal jitter" (between half the
 * ceiling and the ceiling), so that a fleet's retries spread out without any waiting too little.
 *
 * @example
 * retryDelay(3, { baseMs: 1_000, maxMs: 60_000 }); // between 2 and 4 seconds
 */
export function retryDelay(failures: number, options: RetryDelayOptions = {}): number {
  const baseMs = options.baseMs ?? 2_000;
  const maxMs = options.maxMs ?? 60_000;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(failures, 1) - 1, 30));
  return ceiling / 2 + ((options.random ?? Math.random)() * ceiling) / 2;
}
