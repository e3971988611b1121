import type { KnipConfig } from 'knip';

// `npm run deps` runs knip twice. The default run checks every workspace's imports, the tests'
// included, against what the workspace declares. The production run (--production --strict)
// checks that what the shipped code imports at run time is a dependency (or peer) of the
// package that imports it, not something that happens to be installed. A production run does
// not count type-only imports, so there the packages the published declarations need only
// for their types are left alone; the default run still finds them unused if they are.
const production = process.argv.includes('--production');
const typesOnly = (names: string[]) => (production ? names : []);

const config: KnipConfig = {
  include: ['dependencies', 'unlisted', 'unresolved', 'binaries'],
  // The workspace's own command, linked by npm from packages/cli; cfn-lint comes from pip.
  ignoreBinaries: ['stscreds', 'cfn-lint', 'mkfifo'],
  workspaces: {
    '.': {
      entry: ['bench/*.ts', 'scripts/*.{ts,mjs}', 'test/**/*.ts'],
      project: ['bench/**/*.ts', 'scripts/**/*.{ts,mjs}', 'test/**/*.ts'],
    },
    'packages/contract': {
      entry: ['test/**/*.ts'],
      project: ['src/**/*.ts!', 'test/**/*.ts'],
    },
    'packages/cli': {
      // The CLI ships one bundle with every import inside it: all its packages are
      // devDependencies, so its sources are no production entry of their own.
      entry: ['bin/*.js', 'src/main.ts', 'build/*.ts', 'test/**/*.ts'],
      project: ['src/**/*.ts', 'bin/**/*.js', 'build/**/*.ts', 'test/**/*.ts'],
      ignore: ['dist/**'],
    },
    'packages/broker': {
      entry: ['scripts/*.ts', 'test/**/*.ts'],
      project: ['src/**/*.ts!', 'scripts/**/*.ts', 'test/**/*.ts'],
      ignoreDependencies: typesOnly(['@types/aws-lambda']),
    },
    'packages/client': {
      entry: ['test/**/*.ts'],
      project: ['src/**/*.ts!', 'test/**/*.ts'],
      ignoreDependencies: typesOnly(['@smithy/types']),
    },
    'packages/devorg': {
      entry: ['test/**/*.ts'],
      project: ['src/**/*.ts!', 'test/**/*.ts'],
      ignoreDependencies: typesOnly(['@types/aws-lambda', '@smithy/types', '@aws-lambda-powertools/logger']),
    },
    'packages/iam': {
      entry: ['test/**/*.ts'],
      project: ['src/**/*.ts!', 'test/**/*.ts'],
      // The simulator is an optional peer, imported on demand (loadSimulator).
      ignoreDependencies: typesOnly(['@smithy/types', '@cloud-copilot/iam-simulate']),
    },
    'packages/infra': {
      entry: ['bin/*.ts', 'scripts/*.ts', 'test/**/*.ts'],
      project: ['src/**/*.ts!', 'bin/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts'],
      // BrokerFunction's `entry` option bundles a TypeScript entry with the app's own esbuild;
      // the tests that build from source need it.
      ignoreDependencies: ['esbuild'],
    },
    'examples/*': {
      entry: ['src/*.ts!', 'test/**/*.ts'],
      project: ['src/**/*.ts!', 'test/**/*.ts'],
    },
  },
};

export default config;
