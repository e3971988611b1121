import { defineConfig } from 'vitest/config';

// The unit tests of the packages whose security modules are mutated. Each mutant runs against
// the tests that cover it, so the fast, deterministic suite is the one mutation testing uses.
// The workspace packages resolve to their sources, as in vitest.config.mts.
const conditions = ['@stscreds/source', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@stscreds/source'] } },
  test: {
    // Each mutant reruns the tests that cover it: the handler's fuzzing, which covers nearly
    // every module, runs a smaller budget here than in npm test so that a run stays in minutes.
    env: { NODE_NO_WARNINGS: '1', NODE_OPTIONS: '--conditions=@stscreds/source', STSCREDS_FUZZ_RUNS: '1000' },
    // STSCREDS_MUTATION_TESTS (comma-separated globs) narrows the run to one area's tests, which
    // matters for mutants of module-level constants such as regexes: those run every test.
    include: process.env.STSCREDS_MUTATION_TESTS?.split(',') ?? ['packages/{contract,broker,client,cli}/test/**/*.test.ts'],
    exclude: ['**/*.int.test.ts', '**/node_modules/**'],
  },
});
