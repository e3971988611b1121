import { defineConfig } from 'vitest/config';

// The unit tests of the packages whose security modules are mutated. Each mutant runs against
// the tests that cover it, so the fast, deterministic suite is the one mutation testing uses.
// The workspace packages resolve to their sources, as in vitest.config.mts.
const conditions = ['@stscreds/source', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@stscreds/source'] } },
  test: {
    env: { NODE_NO_WARNINGS: '1', NODE_OPTIONS: '--conditions=@stscreds/source' },
    include: ['packages/{contract,broker,client,cli}/test/**/*.test.ts'],
    exclude: ['**/*.int.test.ts', '**/node_modules/**'],
  },
});
