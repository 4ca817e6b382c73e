import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ServerStartError } from '../errors';
import { projectRoot } from '../paths';

const run = promisify(execFile);

/**
 * The Temporal CLI binary (it carries the dev server). `TEMPORAL_CLI_PATH` wins; otherwise
 * `scripts/temporal-cli.sh` finds it on PATH or in the project cache, building it once with
 * `go install` if needed (the SDK's own download needs internet access).
 */
export async function resolveTemporalCli(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const given = env.TEMPORAL_CLI_PATH;
  if (given) {
    if (!existsSync(given)) throw new ServerStartError(`TEMPORAL_CLI_PATH=${given} does not exist`);
    return given;
  }
  const script = join(projectRoot(), 'scripts', 'temporal-cli.sh');
  try {
    // The build can take minutes the first time; its progress goes to our stderr.
    const child = run('bash', [script, 'path'], { env, maxBuffer: 1 << 20 });
    child.child.stderr?.pipe(process.stderr);
    const { stdout } = await child;
    return stdout.trim();
  } catch (err) {
    throw new ServerStartError(
      `cannot find or build the Temporal CLI (${errorText(err)}). Install Go >= 1.25 or set TEMPORAL_CLI_PATH.`,
    );
  }
}

/**
 * The time-skipping test server executable: `TEMPORAL_TEST_SERVER_PATH`, or the wrapper script
 * around the Java test server from Maven Central (its jars are fetched here, once).
 */
export async function resolveTestServer(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const given = env.TEMPORAL_TEST_SERVER_PATH;
  if (given) {
    if (!existsSync(given)) throw new ServerStartError(`TEMPORAL_TEST_SERVER_PATH=${given} does not exist`);
    return given;
  }
  const script = join(projectRoot(), 'scripts', 'test-server.sh');
  try {
    const child = run('bash', [script, 'fetch'], { env, maxBuffer: 1 << 20 });
    child.child.stderr?.pipe(process.stderr);
    await child;
  } catch (err) {
    throw new ServerStartError(
      `cannot fetch Temporal's test server (${errorText(err)}). Install Java 17 and Maven or set TEMPORAL_TEST_SERVER_PATH.`,
    );
  }
  return script;
}

function errorText(err: unknown): string {
  if (
    err &&
    typeof err === 'object' &&
    'stderr' in err &&
    typeof err.stderr === 'string' &&
    err.stderr.trim()
  ) {
    return err.stderr.trim().split('\n').slice(-5).join(' | ');
  }
  return err instanceof Error ? err.message : String(err);
}
