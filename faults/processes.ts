/**
 * The opsflow processes of a fault scenario, run as an operator runs them: `node bin/opsflow.js
 * api|worker` on the built `dist/`, configured by environment only, killed with real signals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FaultContext } from './scenario';

/** The admin token every scenario's API is started with. */
export const ADMIN_TOKEN = 'fault-tests-admin-token-0123456789';

/** A running `opsflow api` or `opsflow worker` child. */
export class OpsflowProcess {
  private readonly lines: string[] = [];
  private readonly exited: Promise<void>;

  private constructor(
    readonly role: 'api' | 'worker',
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer): void => {
      this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.lines.length > 300) this.lines.splice(0, this.lines.length - 300);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Spawns the process and resolves once it says it is running (it fails if it exits first). */
  static async start(
    ctx: FaultContext,
    role: 'api' | 'worker',
    env: Readonly<Record<string, string>>,
    timeoutMs = 90_000,
  ): Promise<OpsflowProcess> {
    const child = spawn(process.execPath, [join(ctx.root, 'bin', 'opsflow.js'), role], {
      cwd: ctx.dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new OpsflowProcess(role, child);
    // Killed at the end of the scenario whatever happens (a no-op when it already exited).
    ctx.defer(() => proc.kill('SIGKILL'));
    const started = Date.now();
    while (!proc.output().includes('opsflow is running')) {
      if (!proc.alive) throw new Error(`opsflow ${role} exited during boot:\n${proc.output(30)}`);
      if (Date.now() - started > timeoutMs)
        throw new Error(`opsflow ${role} did not boot in ${timeoutMs} ms:\n${proc.output(30)}`);
      await sleep(100);
    }
    ctx.log(
      `opsflow ${role} running (pid ${proc.pid}, booted in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return proc;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines it printed. */
  output(last = 300): string {
    return this.lines.slice(-last).join('\n');
  }

  /** Sends the signal and waits until the process is gone. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    if (!this.alive) return;
    this.child.kill(signal);
    await this.exited;
  }

  /** Graceful stop (SIGTERM), SIGKILL after 20 s. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.kill('SIGTERM');
    clearTimeout(timer);
  }
}

/** The environment of a scenario's opsflow processes. */
export interface ProcessEnvOptions {
  readonly databaseUrl: string;
  readonly temporalAddress: string;
  readonly taskQueue: string;
  /** The API port (only the api uses it). */
  readonly port: number;
  /** `host:port` of the target server, the only outbound destination allowed. */
  readonly httpAllow: string;
  /** A rule folder for the worker's connectors (scenarios deploy their rules through the API). */
  readonly rulesDir: string;
}

export function processEnv(ctx: FaultContext, o: ProcessEnvOptions): Record<string, string> {
  return {
    DATABASE_URL: o.databaseUrl,
    TEMPORAL_ADDRESS: o.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    OPSFLOW_TASK_QUEUE: o.taskQueue,
    OPSFLOW_ADMIN_TOKEN: ADMIN_TOKEN,
    OPSFLOW_HTTP_ALLOW: o.httpAllow,
    OPSFLOW_RULES: o.rulesDir,
    OPSFLOW_DATA_DIR: join(ctx.dir, 'data'),
    PORT: String(o.port),
    // The scenarios measure faults, not throttling: a burst from one key must not meet a 429.
    OPSFLOW_INGEST_RATE_LIMIT: '0',
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns true; throws naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await probe()) return;
      last = undefined;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}
