#!/usr/bin/env node
// The `opsflow` command. It runs the compiled CLI from dist/ (built by `npm install` through the
// `prepare` script, or by `npm run build`).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'engine', 'cli.js');
if (!existsSync(entry)) {
  process.stderr.write('opsflow is not built yet: run `npm run build` in ' + join(__dirname, '..') + '\n');
  process.exit(2);
}
require(entry)
  .main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() })
  .then((code) => {
    process.exitCode = code;
  });
