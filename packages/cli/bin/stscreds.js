#!/usr/bin/env node
// The CLI runs from its bundle, built at pack time (`npm run build` in packages/cli). This file
// and the bundle's start are CommonJS: a warm credential_process is answered without Node.js's
// ES module loader.
const { existsSync } = require('node:fs');
const { enableCompileCache } = require('node:module');
const { join } = require('node:path');

// Node.js 22.1 and later keep the compiled bundle between runs: every AWS call may start this CLI.
enableCompileCache?.();
const start = join(__dirname, '../dist/stscreds.cjs');
if (existsSync(start)) {
  require(start);
} else {
  process.stderr.write('stscreds: the bundle is missing; run `npm run build -w @stscreds/cli` first\n');
  process.exitCode = 1;
}
