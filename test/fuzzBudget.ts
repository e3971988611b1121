/**
 * The fuzzing budget, shared by every fuzz test: `STSCREDS_FUZZ_SEED` replays a failure, and
 * `STSCREDS_FUZZ_RUNS` asks for a longer (or shorter) run.
 */
const readInteger = (name: string, fallback: number, min: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be an integer of at least ${min}, not ${JSON.stringify(raw)}`);
  }
  return value;
};

/** The seed of every fuzz run. */
export const FUZZ_SEED = readInteger('STSCREDS_FUZZ_SEED', 20_261_128, -(2 ** 31));

/** Cases per `npm test` run for the handler's fuzzing; other fuzz files scale their share from it. */
export const FUZZ_RUNS = readInteger('STSCREDS_FUZZ_RUNS', 22_000, 1);
