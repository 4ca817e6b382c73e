/**
 * The outside system the rules' actions call: a local HTTP server that behaves like an API with
 * idempotency keys. The first request with a key performs the side effect (recorded); a request
 * with a key already seen is a redelivery (a retried action) and gets the first answer again.
 *
 * The body names the logical action, `{run, step}`, so the server can tell whether one logical
 * action arrived under two keys (a duplicate side effect) or not at all (lost). `hold: true`
 * keeps the first request unanswered until `releaseHeld()`: the action is mid-flight for as long
 * as the scenario wants.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One side effect: the first request with its idempotency key. */
export interface Effect {
  readonly key: string;
  readonly path: string;
  readonly run: string;
  readonly step: string;
  /** The whole request body (a scenario may send more than `{run, step}`, e.g. a sequence number). */
  readonly body: Readonly<Record<string, unknown>>;
}

/** What the server saw, against the logical actions a scenario expected. */
export interface EffectTally {
  /** Distinct idempotency keys (side effects performed). */
  readonly effects: number;
  /** Requests with a key seen before. */
  readonly redeliveries: number;
  /** Expected actions with no request at all. */
  readonly lost: number;
  /** Expected actions that arrived under more than one key, and actions nobody expected. */
  readonly duplicates: number;
  /** A few examples of what went wrong, for the check's detail. */
  readonly examples: readonly string[];
}

export class TargetServer {
  private readonly effects = new Map<string, Effect & { answer: Promise<void> }>();
  private readonly deliveries = new Map<string, number>();
  private readonly held: (() => void)[] = [];
  private requests = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<TargetServer> {
    const server = createServer();
    server.keepAliveTimeout = 1000;
    const target = new TargetServer(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void target.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return target;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `127.0.0.1:PORT`, for `OPSFLOW_HTTP_ALLOW`. */
  get hostPort(): string {
    return `127.0.0.1:${this.port}`;
  }

  url(path: string): string {
    return `http://${this.hostPort}${path}`;
  }

  /** Requests received, side effects recorded, first requests still held. */
  get stats(): { requests: number; effects: number; held: number } {
    return { requests: this.requests, effects: this.effects.size, held: this.held.length };
  }

  /** The recorded side effects, in the order their first request arrived. */
  list(): Effect[] {
    return [...this.effects.values()].map(({ key, path, run, step, body }) => ({
      key,
      path,
      run,
      step,
      body,
    }));
  }

  /** How many times a key arrived. */
  deliveriesOf(key: string): number {
    return this.deliveries.get(key) ?? 0;
  }

  /** Answers every held request (their callers may be long gone). */
  releaseHeld(): void {
    for (const release of this.held.splice(0)) release();
  }

  /**
   * Compares the effects with the expected logical actions (`run/step`), optionally only those
   * whose path starts with `pathPrefix`.
   */
  tally(expected: readonly string[], pathPrefix = ''): EffectTally {
    const keysByAction = new Map<string, Set<string>>();
    let effects = 0;
    let redeliveries = 0;
    for (const e of this.effects.values()) {
      if (!e.path.startsWith(pathPrefix)) continue;
      effects++;
      redeliveries += this.deliveriesOf(e.key) - 1;
      const action = `${e.run}/${e.step}`;
      const keys = keysByAction.get(action) ?? new Set<string>();
      keys.add(e.key);
      keysByAction.set(action, keys);
    }
    const examples: string[] = [];
    const wanted = new Set(expected);
    let lost = 0;
    let duplicates = 0;
    for (const action of wanted) {
      const keys = keysByAction.get(action)?.size ?? 0;
      if (keys === 0) {
        lost++;
        if (examples.length < 5) examples.push(`${action}: no request`);
      } else if (keys > 1) {
        duplicates += keys - 1;
        if (examples.length < 5) examples.push(`${action}: ${keys} keys`);
      }
    }
    for (const [action, keys] of keysByAction) {
      if (wanted.has(action)) continue;
      duplicates += keys.size;
      if (examples.length < 5) examples.push(`${action}: not expected`);
    }
    return { effects, redeliveries, lost, duplicates, examples };
  }

  close(): Promise<void> {
    this.releaseHeld();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const key = req.headers['idempotency-key'];
    let body: { run?: unknown; step?: unknown; hold?: unknown; [field: string]: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      body = {};
    }
    if (typeof key !== 'string' || typeof body.run !== 'string' || typeof body.step !== 'string') {
      res.writeHead(400).end('expected an Idempotency-Key header and a {run, step} body');
      return;
    }
    this.deliveries.set(key, this.deliveriesOf(key) + 1);
    let effect = this.effects.get(key);
    if (!effect) {
      // The side effect happens on the first delivery; a held one answers only when released.
      const answer =
        body.hold === true ? new Promise<void>((resolve) => this.held.push(resolve)) : Promise.resolve();
      effect = { key, path: req.url ?? '', run: body.run, step: body.step, body, answer };
      this.effects.set(key, effect);
    }
    await effect.answer;
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, key }));
  }
}
