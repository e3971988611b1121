// Mutation testing of the security modules: npm run test:mutation (slow; not part of npm test).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.mts' },
  coverageAnalysis: 'perTest',
  // The security modules. Run one area at a time with --mutate <glob>: the whole list is slow.
  mutate: [
    // Who the caller is: the proof's checks, the STS answer, the caller's ARN.
    'packages/broker/src/identity/**/*.ts',
    // What the caller may have: rules, trusted caller accounts, account aliases, patterns.
    'packages/broker/src/policy/**/*.ts',
    // Who the issued session names.
    'packages/broker/src/attribution/**/*.ts',
    // The credential and proof cache keys and the caches.
    'packages/broker/src/cache/**/*.ts',
    // The request's path through the broker, and what it admits at the door.
    'packages/broker/src/pipeline/**/*.ts',
    'packages/broker/src/http/readFunctionUrlRequest.ts',
    'packages/broker/src/validateRequest.ts',
    // The contract: the request schema, the canonical request and the digest a proof signs.
    'packages/contract/src/**/*.ts',
    // The client's cache key, and the resolved request it is computed from.
    'packages/client/src/requestCacheKey.ts',
    'packages/client/src/resolveRequest.ts',
    // The CLI's credential cache, keyed by the client's cache key.
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
