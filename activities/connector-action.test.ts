import { inspect } from 'node:util';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { type ConnectorDecl, parseConnector } from '../dsl';
import { createActivities } from './index';
import type { RunActionOutput } from './contract';
import { call, depsWith, failureOf, secretsOf } from './testing/helpers';
import type { TestHttpServer } from './testing/servers';
import { json, startHttpServer } from './testing/servers';

const TOKEN = 'tok_live_8f2a9c1d55e0';

const PURCHASING = `
connector: purchasing
description: Purchase orders at the supplier portal
base_url: { config: PURCHASING_URL, default: "https://purchasing.invalid/api" }
headers:
  Authorization: 'Bearer \${secret("PURCHASING_TOKEN")}'
actions:
  create_order:
    params:
      sku: string
      quantity: int
      supplier: string?
      ship_to: { city: string, zip: string? }
    result: { id: string, status: string }
    request:
      method: POST
      path: /orders
      query: { dry_run: "false", tag: "\${sku}", supplier: "\${supplier}" }
      headers: { X-Quantity: "\${quantity}" }
      body:
        sku: \${sku}
        quantity: \${quantity}
        supplier: \${supplier}
        note: "deliver to \${ship_to.city}"
        lines: [{ sku: "\${sku}", qty: "\${quantity}" }]
    result_from: body.order
  get_order:
    params: { id: string }
    result: { id: string, status: string, echo: string? }
    request: { method: GET, path: "/orders/\${id}" }
    retryable_statuses: [409, 503]
`;

function connector(): ConnectorDecl {
  const parsed = parseConnector(PURCHASING, 'purchasing.connector.yaml');
  expect(parsed.diagnostics).toEqual([]);
  if (!parsed.connector) throw new Error('connector did not parse');
  return parsed.connector;
}

let server: TestHttpServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const activities = () =>
  createActivities(
    depsWith({
      httpAllow: [`127.0.0.1:${server.port}`],
      connectors: [connector()],
      config: { PURCHASING_URL: `${server.origin}/api/v2/` },
      secrets: secretsOf({ PURCHASING_TOKEN: TOKEN }),
    }),
  );

const order = { sku: 'SKU 1/a', quantity: 40, supplier: 'acme', ship_to: { city: 'Lyon' } };

describe('connector actions', () => {
  it('builds the request from the templates and reads the declared result', async () => {
    server.handle((req, res) =>
      json(res, 201, { order: { id: 'PO-77', status: 'open', extra: req.headers.authorization } }),
    );
    const out = await activities().runAction(call('purchasing.create_order', order, 'idem-1'));
    expect(out.result).toEqual({ id: 'PO-77', status: 'open', extra: 'Bearer ***' });
    const [req] = server.requests;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/v2/orders?dry_run=false&tag=SKU+1%2Fa&supplier=acme');
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers['x-quantity']).toBe('40');
    expect(req.headers['idempotency-key']).toBe('idem-1');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({
      sku: 'SKU 1/a',
      quantity: 40,
      supplier: 'acme',
      note: 'deliver to Lyon',
      lines: [{ sku: 'SKU 1/a', qty: 40 }],
    });
    expect(JSON.stringify(out)).not.toContain(TOKEN);
  });

  it('escapes path values and refuses ones that would leave the path', async () => {
    server.handle((req, res) => json(res, 200, { id: req.url, status: 'x' }));
    const { runAction } = activities();
    const out = await runAction(call('purchasing.get_order', { id: 'a/../b?c' }));
    expect(out.result).toMatchObject({ id: '/api/v2/orders/a%2F..%2Fb%3Fc' });
    const failure = await failureOf(runAction(call('purchasing.get_order', { id: '..' })));
    expect([failure.type, failure.nonRetryable]).toEqual(['InvalidInput', true]);
  });

  it('keeps the secret out of error messages even when the server echoes it', async () => {
    server.handle((req, res) =>
      json(res, 403, { error: `token ${String(req.headers.authorization)} is revoked` }),
    );
    const failure = await failureOf(activities().runAction(call('purchasing.create_order', order)));
    expect([failure.type, failure.nonRetryable]).toEqual(['ActionRejected', true]);
    expect(failure.message).toContain('purchasing.create_order answered 403');
    expect(failure.message).toContain('Bearer ***');
    expect(JSON.stringify(failure)).not.toContain(TOKEN);
    expect(String(failure.stack)).not.toContain(TOKEN);
  });

  it('uses the action retryable statuses instead of the default', async () => {
    const { runAction } = activities();
    const outcome = async (status: number): Promise<[unknown, unknown]> => {
      server.handle((_req, res) => json(res, status, {}));
      const f = await failureOf(runAction(call('purchasing.get_order', { id: '1' })));
      return [f.type, f.nonRetryable];
    };
    expect(await outcome(409)).toEqual(['ActionUnavailable', false]);
    expect(await outcome(503)).toEqual(['ActionUnavailable', false]);
    expect(await outcome(502)).toEqual(['ActionRejected', true]);
  });

  it('checks arguments against the parameters and the response against the result type', async () => {
    const { runAction } = activities();
    const wrong = async (args: Record<string, unknown>): Promise<unknown> =>
      (await failureOf(runAction(call('purchasing.create_order', args)))).type;
    expect(await wrong({ ...order, quantity: 1.5 })).toBe('InvalidInput');
    expect(await wrong({ sku: 'a', ship_to: { city: 'x' } })).toBe('InvalidInput');
    expect(await wrong({ ...order, colour: 'red' })).toBe('InvalidInput');
    expect(await wrong({ ...order, ship_to: { zip: '1' } })).toBe('InvalidInput');
    expect(server.requests).toHaveLength(0);
    server.handle((_req, res) => json(res, 200, { id: 5, status: 'open' }));
    const failure = await failureOf(runAction(call('purchasing.get_order', { id: '1' })));
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
      'InvalidResult',
      true,
      'purchasing.get_order: the result.id must be string',
    ]);
    server.handle((_req, res) =>
      json(res, 200, { id: '1', status: 'open', echo: { $secret: 'PURCHASING_TOKEN' } }),
    );
    expect((await failureOf(runAction(call('purchasing.get_order', { id: '1' })))).type).toBe(
      'InvalidResult',
    );
  });

  it('leaves out optional parameters that were not passed, and fails for good without a base URL', async () => {
    server.handle((_req, res) => json(res, 200, { order: { id: '1', status: 'open' } }));
    const { supplier: _unused, ...withoutSupplier } = order;
    await activities().runAction(call('purchasing.create_order', withoutSupplier));
    expect(server.requests[0].url).toBe('/api/v2/orders?dry_run=false&tag=SKU+1%2Fa');
    expect(JSON.parse(server.requests[0].body)).not.toHaveProperty('supplier');
    const decl = connector();
    const noDefault: ConnectorDecl = { ...decl, baseUrl: { config: 'PURCHASING_URL' } };
    const bare = createActivities(
      depsWith({ httpAllow: ['*'], connectors: [noDefault], secrets: secretsOf({}) }),
    );
    const unconfigured = await failureOf(bare.runAction(call('purchasing.get_order', { id: '1' })));
    expect([unconfigured.type, unconfigured.message]).toEqual([
      'NotConfigured',
      'connector purchasing: PURCHASING_URL is not configured',
    ]);
  });

  it('runs inside a Temporal activity context, and its logs never hold the secret', async () => {
    const logs: unknown[] = [];
    const logger = new DefaultLogger('TRACE', (entry) => logs.push(entry));
    const env = new MockActivityEnvironment({ attempt: 2 }, { logger });
    const { runAction } = activities();
    server.handle((_req, res) => json(res, 200, { id: '9', status: 'done' }));
    const out: RunActionOutput = await env.run(runAction, call('purchasing.get_order', { id: '9' }));
    expect(out.result).toEqual({ id: '9', status: 'done' });
    server.handle((req, res) => json(res, 400, { error: `bad ${String(req.headers.authorization)}` }));
    const failure = await failureOf(env.run(runAction, call('purchasing.get_order', { id: '9' })));
    expect(failure.message).toContain('bad Bearer ***');
    // Log entries hold bigint timestamps and error objects: render them the way a log sink would.
    const text = logs.map((e) => inspect(e, { depth: 10 })).join('\n');
    expect(text).toContain('purchasing.get_order');
    expect(text).toContain('bad Bearer ***');
    expect(text).not.toContain(TOKEN);
  });

  it('is cancelled through the activity cancellation signal', async () => {
    server.handle(() => undefined);
    const env = new MockActivityEnvironment(undefined, {
      logger: new DefaultLogger('ERROR', () => undefined),
    });
    const { runAction } = activities();
    const running = env.run(runAction, call('purchasing.get_order', { id: '9' }));
    setTimeout(() => env.cancel('CANCELLED'), 100);
    await expect(running).rejects.toBeInstanceOf(CancelledFailure);
  });
});
