#!/usr/bin/env node
// The `opsflow` command. It runs the compiled CLI from dist/ (built by `npm install` through the
// `prepare` script, or by `npm run build`), and composes the parts that live outside engine/: the
// REST API imports the engine, never the other way round, so it is handed to the CLI here.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');
const entry = join(dist, 'engine', 'cli.js');
if (!existsSync(entry)) {
  process.stderr.write('opsflow is not built yet: run `npm run build` in ' + join(__dirname, '..') + '\n');
  process.exit(2);
}
const { apiPart } = require(join(dist, 'api', 'api.part.js'));
require(entry)
  .main(
    process.argv.slice(2),
    { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() },
    { apiPart },
  )
  .then((code) => {
    process.exitCode = code;
  });
