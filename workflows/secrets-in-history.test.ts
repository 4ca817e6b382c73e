/**
 * End to end: a rule sends `secret("SHOP_TOKEN")` in a header through the real activities to a
 * real local HTTP server. The server must receive the secret; the workflow history (inputs,
 * results, failures, timeline) must never contain it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities, envSecrets } from '../activities';
import { compileRuleSet } from '../dsl';
import { quietTemporalRuntime } from '../engine/temporal/testing/quiet-runtime';
import { createTimeSkippingEnv } from '../engine/temporal/time-skipping';
import { INTERPRETER_WORKFLOW_TYPE, stateQuery, type RunInput } from './contract';

quietTemporalRuntime('ERROR');

const SECRET = 'tok_live_5f1d2c9a8b7e6d5c';

/** Every payload's data in a history, decoded as text (payloads may be bytes or base64). */
function decodedPayloads(value: unknown, out: string[] = []): string[] {
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) for (const item of value) decodedPayloads(item, out);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'data' && typeof item === 'string') out.push(Buffer.from(item, 'base64').toString('utf8'));
      else decodedPayloads(item, out);
    }
  }
  return out;
}

describe('secrets and workflow history', () => {
  let env: TestWorkflowEnvironment;
  let server: Server;
  let port: number;
  const seen: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    server = createServer((req, res) => {
      seen.push(req.headers);
      res.setHeader('content-type', 'application/json');
      // A careless server echoes the token back: the activity must redact it from the result.
      res.end(JSON.stringify({ ok: true, echo: req.headers.authorization }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await env?.teardown();
  });

  it('passes the secret to the action and keeps it out of the history', async () => {
    const source = `rule sync_prices
  manual(sku: string)
do
  let response = call http.request(method: "POST", url: "http://127.0.0.1:${port}/prices", headers: { Authorization: "Bearer \${secret("SHOP_TOKEN")}" }, body: { sku: input.sku })
  log "shop answered \${response.status}: \${response.body}"
  if response.status != 200
    fail "shop refused"
  end
end
`;
    const compiled = compileRuleSet([{ path: 'prices.rule', content: source }]);
    expect(compiled.diagnostics).toEqual([]);
    const activities = createActivities({
      httpAllow: [`127.0.0.1:${port}`],
      secrets: envSecrets({ OPSFLOW_SECRET_SHOP_TOKEN: SECRET }),
      config: {},
      connectors: [],
    });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'secrets',
      workflowsPath: require.resolve('./index'),
      activities: {
        ...activities,
        subscribe: async () => undefined,
        unsubscribe: async () => undefined,
      },
    });
    const input: RunInput = { rule: compiled.rules[0], trigger: { kind: 'manual', input: { sku: 'SKU-1' } } };
    const handle = await env.client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
      taskQueue: 'secrets',
      workflowId: 'secret-run',
      args: [input],
    });
    const state = await worker.runUntil(async () => {
      await handle.result();
      return handle.query(stateQuery);
    });

    expect(seen).toHaveLength(1);
    expect(seen[0].authorization).toBe(`Bearer ${SECRET}`);
    expect(JSON.stringify(state)).not.toContain(SECRET);
    expect(JSON.stringify(state.timeline)).toContain('***');

    const history = await handle.fetchHistory();
    const text = decodedPayloads(history).join('\n') + JSON.stringify(history);
    // The payloads were decoded (the secret's name is there, as a marker), and its value is not.
    expect(text).toContain('"$secret":"SHOP_TOKEN"');
    expect(text).toContain('Bearer ***');
    expect(text).not.toContain(SECRET);
  });
});
