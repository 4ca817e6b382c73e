/**
 * `node -r @swc-node/register bench/hostile-bodies.ts` (issue 12): the server's CPU time for one
 * request, small or hostile, on the real app (PostgreSQL as provisioned for the tests; Temporal is
 * not needed for these routes). The requests come from a child process over HTTP, so only the
 * server's work is counted (`process.cpuUsage` of this process around each request).
 *
 * - a small event, with a valid token (202) and without one (401);
 * - 3.8 MiB of 2,000,000 nested `[`, without a token: 401 before the body is read;
 * - the same body with a valid token: 422 after one linear scan (the nesting limit), no parse.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { createApiApp } from '../api/create-api-app';
import { loadConfig } from '../engine/config';
import { freshDatabase } from '../engine/db/testing/fresh-database';

const TOKEN = 'bench-admin-token-0123456789abcdef';
const RULES =
  'event order.placed {\n  order_id: string\n}\n\nrule r\n  on order.placed\ndo\n  log "x"\nend\n';

/** The client: sends one request per line of stdin (`token|kind`), answers the status. */
const CLIENT = `
const http = require('node:http');
const [port] = process.argv.slice(1);
const bodies = { small: JSON.stringify({ id: 'x', type: 'order.placed', data: { order_id: 'o' } }),
  hostile: '['.repeat(2000000) + ' '.repeat(1800000) };
let n = 0;
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const [token, kind] = line.split('|');
  const body = kind === 'small' ? bodies.small.replace('"x"', '"x' + n++ + '"') : bodies.hostile;
  const req = http.request({ port, method: 'POST', path: '/v1/events', agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
      ...(token ? { authorization: 'Bearer ' + token } : {}) } }, (res) => {
    res.resume(); res.on('end', () => process.stdout.write(res.statusCode + '\\n'));
  });
  req.on('error', () => process.stdout.write('reset\\n'));
  req.end(body);
});
`;

async function main(): Promise<void> {
  const database = await freshDatabase(4);
  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  const config = loadConfig({ OPSFLOW_ADMIN_TOKEN: TOKEN }, { cwd: tmpdir() });
  const app = await createApiApp({
    db: database.db,
    client: new Client({ connection }),
    taskQueue: 'bench',
    config,
    logLevels: false,
  });
  try {
    const deployed = await app.inject({
      method: 'POST',
      url: '/v1/deployments',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ files: [{ path: 'r.rule', content: RULES }] }),
    });
    if (deployed.statusCode !== 201) throw new Error(`deploy: ${deployed.statusCode} ${deployed.body}`);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.getHttpServer().address() as AddressInfo).port;
    const client = spawn(process.execPath, ['-e', CLIENT, String(port)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const answers: string[] = [];
    let waiting: (() => void) | undefined;
    client.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      answers.push(...chunk.split('\n').filter(Boolean));
      waiting?.();
    });
    const send = async (token: string, kind: string): Promise<{ status: string; cpuMs: number }> => {
      const before = process.cpuUsage();
      const count = answers.length;
      const answered = new Promise<void>((resolve) => (waiting = resolve));
      client.stdin.write(`${token}|${kind}\n`);
      while (answers.length === count) await answered;
      // Let the server finish what it does after answering (closing the connection, the log).
      await new Promise((resolve) => setTimeout(resolve, 50));
      const used = process.cpuUsage(before);
      return { status: answers[count], cpuMs: (used.user + used.system) / 1000 };
    };
    const cases: [string, string, string, number][] = [
      ['small event, valid token', TOKEN, 'small', 40],
      ['small body, no token', '', 'small', 40],
      ['3.8 MiB of nested [, no token', '', 'hostile', 10],
      ['3.8 MiB of nested [, valid token', TOKEN, 'hostile', 5],
    ];
    const rows: string[] = [];
    for (const [name, token, kind, runs] of cases) {
      await send(token, kind); // warm-up
      const samples: number[] = [];
      let status = '';
      for (let i = 0; i < runs; i++) {
        const r = await send(token, kind);
        samples.push(r.cpuMs - 0);
        status = r.status;
      }
      samples.sort((a, b) => a - b);
      const median = samples[Math.floor(samples.length / 2)];
      rows.push(`| ${name} | ${status} | ${median.toFixed(1)} | ${samples[samples.length - 1].toFixed(1)} |`);
    }
    client.stdin.end();
    process.stdout.write(
      ['| request | status | server CPU ms (median) | max |', '| --- | --- | --- | --- |', ...rows].join(
        '\n',
      ) + '\n',
    );
  } finally {
    await app.close();
    await connection.close().catch(() => undefined);
    await database.drop();
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
    process.exit(1);
  },
);
