/**
 * A PostgreSQL cluster of the scenario's own (initdb + pg_ctl in a temporary directory, on a free
 * port), so it can be stopped and started without touching the machine's shared cluster that
 * other suites use. PostgreSQL refuses to run as root: as root, the cluster belongs to the
 * `postgres` system user and its commands run through `runuser`.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../engine/temporal/dev-server';
import type { FaultContext } from './scenario';

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication, loopback only). */
  readonly url: string;
  readonly port: number;
  /** `pg_ctl stop` with the given mode (`immediate` is a crash: recovery runs at the next start). */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
}

/** The directory of the PostgreSQL server binaries: `PG_BINDIR`, or the newest under /usr/lib/postgresql. */
export function postgresBinDir(): string {
  const fromEnv = process.env.PG_BINDIR;
  if (fromEnv) return fromEnv;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(`no PostgreSQL server binaries (initdb, pg_ctl) under ${base}; set PG_BINDIR`);
  }
  return join(base, versions[0], 'bin');
}

export async function startPrivatePostgres(ctx: FaultContext): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const asRoot = userInfo().uid === 0;
  // Not under ctx.dir: that one is private to root, and the cluster's owner must reach it.
  const dir = mkdtempSync(join(tmpdir(), 'opsflow-faults-pg-'));
  if (asRoot) {
    const owner = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (owner.status !== 0)
      throw new Error('running as root, but there is no `postgres` user to own the cluster');
    chownSync(dir, Number(owner.stdout.trim()), Number(group.stdout.trim()));
  }
  const logFile = join(dir, 'postgres.log');
  // Asynchronous, so the scenario's clients keep sending while the server stops or starts.
  const run = (tool: string, args: readonly string[]): Promise<void> => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : [...args];
    return new Promise((resolve, reject) => {
      execFile(command, argv, { cwd: dir }, (err, stdout, stderr) => {
        if (err) {
          const log = existsSync(logFile)
            ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n')
            : '';
          reject(new Error(`${tool} ${args.join(' ')} failed: ${stderr || stdout || err.message}\n${log}`));
        } else resolve();
      });
    });
  };
  const data = join(dir, 'data');
  const port = await freePort();
  await run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=60`;
  const cluster: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: (mode) => run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']),
    start: () => run('pg_ctl', ['-D', data, '-o', options, '-l', logFile, '-w', '-t', '60', 'start']),
  };
  ctx.defer(async () => {
    await cluster.stop('immediate').catch(() => undefined); // already stopped
    rmSync(dir, { recursive: true, force: true });
  });
  await cluster.start();
  ctx.log(`private PostgreSQL cluster on port ${port} (${bin})`);
  return cluster;
}
