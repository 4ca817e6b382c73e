/**
 * The servers around a scenario's opsflow processes: a database of its own on the provisioned
 * PostgreSQL server, a Temporal dev server, and an HTTP client for the opsflow API.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { pgDatabase, type Database } from '../engine/db/sql';
import { startDevServer, type DevServer } from '../engine/temporal/dev-server';
import { ADMIN_TOKEN } from './processes';
import type { FaultContext } from './scenario';

/** A database of the scenario's own (dropped afterwards), and a pool on it for the checks. */
export async function scenarioDatabase(
  ctx: FaultContext,
  serverUrl = ctx.databaseUrl,
): Promise<{ url: string; db: Database }> {
  const name = `faults_${ctx.name.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
  const admin = pgDatabase(serverUrl, { max: 1 });
  await admin.exec(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = pgDatabase(url.toString(), { max: 4 });
  ctx.defer(async () => {
    await db.close().catch(() => undefined);
    await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.close();
  });
  return { url: url.toString(), db };
}

/** A Temporal dev server (in memory unless `dbFile`), stopped at the end of the scenario. */
export async function devServer(
  ctx: FaultContext,
  options: { dbFile?: string; port?: number } = {},
): Promise<DevServer> {
  const server = await startDevServer({ ...options, readyTimeoutMs: 90_000 });
  ctx.defer(() => server.stop());
  return server;
}

/** A Temporal client of the runner's own (to read run statuses), closed at the end. */
export async function temporalClient(ctx: FaultContext, address: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  ctx.defer(() => connection.close());
  return new Client({ connection });
}

/** An HTTP answer; `body` is the parsed JSON (undefined when it is not JSON). */
export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: unknown;
}

/** The opsflow REST API on localhost, authenticated with the admin token. */
export class ApiClient {
  constructor(readonly port: number) {}

  /** Resolves with the answer, or rejects when there was none (refused, reset, timed out). */
  async request(method: string, path: string, body?: unknown, timeoutMs = 15_000): Promise<Answer> {
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: parsed };
  }

  /** Deploys rule files; throws unless the API answers 201. */
  async deploy(files: readonly { path: string; content: string }[], message: string): Promise<unknown> {
    // Each scenario's files are the whole set: earlier rules may go.
    const answer = await this.request('POST', '/v1/deployments', { files, message, prune: true });
    if (answer.status !== 201)
      throw new Error(`deploy failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** Posts one event; throws unless it is accepted (202). */
  async postEvent(event: { id: string; type: string; data: Record<string, unknown> }): Promise<boolean> {
    const answer = await this.request('POST', '/v1/events', event);
    if (answer.status !== 202)
      throw new Error(`event ${event.id}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return (answer.body as { duplicate: boolean }).duplicate;
  }
}

/** Runs `fn` over `items` with at most `concurrency` at a time. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

/** How many of the runs with these workflow ids are in each status (`RUNNING`, `COMPLETED`…). */
export async function runStatuses(
  client: Client,
  workflowIds: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  await inParallel(workflowIds, 16, async (id) => {
    let status: string;
    try {
      status = (await client.workflow.getHandle(id).describe()).status.name;
    } catch {
      status = 'NOT_FOUND';
    }
    counts.set(status, (counts.get(status) ?? 0) + 1);
  });
  return counts;
}
