import { defineConfig } from 'vitest/config';

// The unit tests of the packages whose security modules are mutated. Each mutant runs against
// the tests that cover it, so the fast, deterministic suite is the one mutation testing uses.
export default defineConfig({
  test: {
    env: { NODE_NO_WARNINGS: '1' },
    include: ['packages/{contract,broker,client,cli}/test/**/*.test.ts'],
    exclude: ['**/*.int.test.ts', '**/node_modules/**'],
  },
});
