// Mutation testing of the security modules: npm run test:mutation (slow; not part of npm test).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.mts' },
  coverageAnalysis: 'perTest',
  mutate: [
    'packages/broker/src/identity/**/*.ts',
    'packages/broker/src/policy/**/*.ts',
    'packages/broker/src/attribution/**/*.ts',
    'packages/broker/src/cache/**/*.ts',
    'packages/broker/src/pipeline/**/*.ts',
    'packages/broker/src/validateRequest.ts',
    'packages/contract/src/**/*.ts',
    'packages/client/src/requestCacheKey.ts',
    'packages/cli/src/cache/**/*.ts',
    '!**/index.ts',
  ],
  ignorePatterns: ['.stscreds', 'cdk.out', 'reports', 'bench/results*.json'],
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 90, low: 80, break: null },
  concurrency: 2,
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  // Mutate the files where they are, so that workspace packages importing each other by name
  // see the mutant too.
  inPlace: true,
};
