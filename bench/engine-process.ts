/**
 * Runs one `opsflow` command from the TypeScript sources, composed as `bin/opsflow.js` composes
 * the built one (the REST API part handed to the CLI), so benchmarks can start `opsflow api` and
 * `opsflow worker` as the separate processes a deployment runs, without a build first.
 *
 *   node -r @swc-node/register bench/engine-process.ts api
 */
import { apiPart } from '../api/api.part';
import { main } from '../engine/cli';

void main(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() },
  { apiPart },
).then((code) => {
  process.exitCode = code;
});
