/**
 * `npm run bench:adapter`: the same ingest route under NestJS on Fastify and on Express, with
 * `CLIENTS` concurrent clients, in alternating rounds: requests/s per round (median of rounds)
 * and p50/p99 latency over all rounds.
 *
 * What it measures: HTTP parsing, routing, JSON body parsing and Nest's pipeline of each adapter,
 * plus the real work of the route — `EventStore.ingest` committing each event to PostgreSQL (one
 * schema of its own, `DATABASE_URL` as provisioned for the tests). No auth, metrics or router:
 * both apps are minimal and identical but for the adapter, so the difference is the adapter's.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Body, Controller, HttpCode, Inject, Module, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { freshDatabase } from '../engine/db/testing/fresh-database';
import { EventStore } from '../engine/ingest/event-store';
import { ActiveRuleCache } from '../engine/registry/active-rules';
import { RuleRegistry } from '../engine/registry/registry';
import { machine, progress, summarize } from './harness';

const RULES = `event order.placed { order_id: string }

rule bench_adapter
  on order.placed
  key event.order_id
do
  log "order \${event.order_id}"
end
`;

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);

@Controller('v1/events')
class BenchEventsController {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  @Post()
  @HttpCode(202)
  async ingest(@Body() body: unknown): Promise<{ id: string; duplicate: boolean }> {
    const [stored] = await this.store.ingest(body);
    return { id: stored.id, duplicate: stored.duplicate };
  }
}

function benchModule(store: EventStore): new () => object {
  @Module({ controllers: [BenchEventsController], providers: [{ provide: EventStore, useValue: store }] })
  class BenchModule {}
  return BenchModule;
}

async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/v1/events`;
}

/** `REQUESTS` posts from `CLIENTS` lanes: requests/s and every latency in ms. */
async function round(url: string, prefix: string): Promise<{ rate: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < REQUESTS) {
      const id = `${prefix}-${next++}`;
      const start = process.hrtime.bigint();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, type: 'order.placed', data: { order_id: id } }),
      });
      await res.arrayBuffer();
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (res.status !== 202) throw new Error(`${url} answered ${res.status}`);
    }
  };
  const began = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CLIENTS }, lane));
  return { rate: REQUESTS / (Number(process.hrtime.bigint() - began) / 1e9), latencies };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  progress('a PostgreSQL schema of its own, one rule, the same app on Fastify and on Express');
  const fresh = await freshDatabase(20);
  const apps: INestApplication[] = [];
  try {
    const deployed = await new RuleRegistry(fresh.db).deploy([{ path: 'bench.rule', content: RULES }], {
      author: 'bench',
    });
    if (!deployed.ok) throw new Error('the benchmark rule does not deploy');
    const store = new EventStore(fresh.db, { rules: new ActiveRuleCache(fresh.db) });
    const fastify = await NestFactory.create(benchModule(store), new FastifyAdapter(), { logger: false });
    const express = await NestFactory.create(benchModule(store), new ExpressAdapter(), { logger: false });
    apps.push(fastify, express);
    const targets = [
      { name: 'Fastify', url: await listen(fastify), rates: [] as number[], latencies: [] as number[] },
      { name: 'Express', url: await listen(express), rates: [] as number[], latencies: [] as number[] },
    ];
    progress('warm-up');
    for (const t of targets) await round(t.url, `warm-${t.name}`);
    for (let r = 1; r <= ROUNDS; r++) {
      // Alternating which goes first, so drift (cache, autovacuum, a neighbour) hits both alike.
      const order = r % 2 === 1 ? targets : [...targets].reverse();
      for (const t of order) {
        progress(`round ${r}/${ROUNDS}: ${t.name}, ${REQUESTS} requests from ${CLIENTS} clients`);
        const result = await round(t.url, `r${r}-${t.name}`);
        t.rates.push(result.rate);
        t.latencies.push(...result.latencies);
      }
    }
    const { cpus, node } = machine();
    const lines = [
      `NestJS ingest route, EventStore on PostgreSQL; ${CLIENTS} clients, ${ROUNDS} rounds of ${REQUESTS} requests (${cpus} CPUs, Node ${node})`,
      '',
      '| adapter | requests/s (median of rounds) | min–max | p50 ms | p99 ms |',
      '| --- | --- | --- | --- | --- |',
    ];
    for (const t of targets) {
      const rates = summarize(t.rates);
      const sorted = [...t.latencies].sort((a, b) => a - b);
      lines.push(
        `| ${t.name} | ${rates.median.toFixed(0)} | ${rates.min.toFixed(0)}–${rates.max.toFixed(0)} | ` +
          `${percentile(sorted, 50).toFixed(2)} | ${percentile(sorted, 99).toFixed(2)} |`,
      );
    }
    const [f, e] = targets.map((t) => summarize(t.rates).median);
    lines.push('', `Fastify / Express: ${(f / e).toFixed(2)}×`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const app of apps) await app.close();
    await fresh.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
