/**
 * The warehouse the test rule calls: a real local HTTP server that checks what it receives. It
 * answers 503 on `/ship` while `broken` (the outage the operator fixes before retrying).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly status: number;
}

export class Warehouse {
  broken = true;
  readonly received: Received[] = [];
  /** Requests that did not look like what the rule sends (wrong method, body or path). */
  readonly refused: string[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<Warehouse> {
    const server = createServer();
    const warehouse = new Warehouse(server);
    server.on('request', (req, res) => void warehouse.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return warehouse;
  }

  get hostPort(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Successful requests to `path`. */
  served(path: string): Received[] {
    return this.received.filter((r) => r.path === path && r.status === 200);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      this.refused.push(`${req.method} ${req.url}: body is not JSON`);
      return answer(400, { error: 'body is not JSON' });
    }
    const path = req.url ?? '';
    if (req.method !== 'POST' || !['/reserve', '/ship'].includes(path) || typeof body.order !== 'string') {
      this.refused.push(`${req.method} ${path}: ${JSON.stringify(body)}`);
      return answer(400, { error: 'expected POST /reserve or /ship with an order id' });
    }
    if (path === '/reserve' && typeof body.quantity !== 'number') {
      this.refused.push(`${path}: quantity is not a number: ${JSON.stringify(body)}`);
      return answer(400, { error: 'quantity must be a number' });
    }
    const status = path === '/ship' && this.broken ? 503 : 200;
    this.received.push({ path, body, status });
    if (status === 503) return answer(503, { error: 'warehouse is down' });
    return answer(200, { ok: true, order: body.order });
  }
}
