import { defineConfig } from 'vitest/config';

// Inside the workspace, @stscreds/* resolve to their TypeScript sources through the
// `@stscreds/source` export condition; a consumer gets the built files. Node processes the tests
// start (the CLI, a credential_process) inherit the same condition through NODE_OPTIONS.
const SOURCE_CONDITION = '@stscreds/source';
const conditions = [SOURCE_CONDITION, 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: [SOURCE_CONDITION] } },
  test: {
    globalSetup: ['test/globalSetup.ts'],
    env: { NODE_NO_WARNINGS: '1', NODE_OPTIONS: `--conditions=${SOURCE_CONDITION}` },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
          exclude: ['**/*.int.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.int.test.ts', 'examples/*/test/**/*.int.test.ts'],
          setupFiles: ['test/secretGuard.ts'],
          globalSetup: ['test/bundleCliOnce.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // The packed packages, installed outside the repository.
          name: 'consumer',
          include: ['test/consumer/**/*.int.test.ts'],
          setupFiles: ['test/secretGuard.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
