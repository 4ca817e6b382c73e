/**
 * What the console's browser test and benchmark run against: `opsflow start` (embedded: PGlite and
 * the Temporal dev server as a child) on a fresh data dir with free ports, exactly as a user starts
 * it, and Debian's Chromium driven by playwright-core.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { projectRoot } from '../../engine/paths';
import { freePort } from '../../engine/temporal/dev-server';

export const ADMIN_TOKEN = 'console-test-admin-token-0123456789';

/** A running `opsflow start` and how to reach its API. */
export interface OpsflowServer {
  readonly baseUrl: string;
  readonly dir: string;
  /** The embedded Temporal dev server (`127.0.0.1:PORT`) and the task queue of its worker. */
  readonly temporalAddress: string;
  readonly taskQueue: string;
  /** Calls the API as admin (or with `token`); throws with the problem on an error status. */
  api<T>(method: string, path: string, body?: unknown, token?: string): Promise<T>;
  output(): string;
  stop(): Promise<void>;
}

/** The Temporal CLI (its dev server) and Chromium, provisioned by the project's scripts. */
export function provisionTools(): { temporalCli: string; chromium: string } {
  const root = projectRoot();
  const run = (script: string, ...args: string[]): string =>
    execFileSync('bash', [join(root, 'scripts', script), ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
  const temporalCli = process.env.TEMPORAL_CLI_PATH || run('temporal-cli.sh', 'path');
  return { temporalCli, chromium: run('provision-chromium.sh').split('\n').pop() ?? '' };
}

/**
 * Starts `node bin/opsflow.js start` in a new folder holding `rules` (file name → content), with
 * `env` on top; resolves once it says it is running.
 */
export async function startOpsflow(
  rules: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string>>,
  temporalCli: string,
): Promise<OpsflowServer> {
  const dir = mkdtempSync(join(tmpdir(), 'opsflow-console-'));
  mkdirSync(join(dir, 'rules'));
  for (const [name, content] of Object.entries(rules)) writeFileSync(join(dir, 'rules', name), content);
  const [port, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const childEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    // Embedded mode: no external PostgreSQL or Temporal, whatever the calling shell set.
    if (value !== undefined && name !== 'DATABASE_URL' && name !== 'TEMPORAL_ADDRESS') childEnv[name] = value;
  }
  Object.assign(childEnv, {
    PORT: String(port),
    OPSFLOW_TEMPORAL_PORT: String(temporalPort),
    OPSFLOW_TEMPORAL_UI_PORT: String(uiPort),
    OPSFLOW_DATA_DIR: join(dir, 'data'),
    OPSFLOW_RULES: join(dir, 'rules'),
    OPSFLOW_ADMIN_TOKEN: ADMIN_TOKEN,
    OPSFLOW_TASK_QUEUE: `console-${port}`,
    OPSFLOW_INGEST_RATE_LIMIT: '0',
    TEMPORAL_CLI_PATH: temporalCli,
    ...env,
  });
  const child: ChildProcess = spawn(process.execPath, [join(projectRoot(), 'bin', 'opsflow.js'), 'start'], {
    cwd: dir,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const started = Date.now();
  while (!lines.some((l) => l.includes('opsflow is running'))) {
    if (!alive()) throw new Error(`opsflow start exited during boot:\n${lines.slice(-30).join('\n')}`);
    if (Date.now() - started > 180_000) {
      child.kill('SIGKILL');
      throw new Error(`opsflow start did not boot in 180 s:\n${lines.slice(-30).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    dir,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    taskQueue: childEnv.OPSFLOW_TASK_QUEUE,
    async api<T>(method: string, path: string, body?: unknown, token = ADMIN_TOKEN): Promise<T> {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    output: () => lines.join('\n'),
    async stop() {
      if (alive()) {
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Chromium, headless, from its path. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    // Containers run as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** Polls `probe` until it is true; throws naming `what` after `timeoutMs`. */
export async function eventually(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
