import { Writable } from 'node:stream';
import { expectProblem, startApiHarness, type ApiHarness } from './api-harness';

const RULES = `event order.placed {
  order_id: string
}
action audit.record(order_id: string) -> { ok: bool }

rule record_order
  on order.placed
  key event.order_id
do
  call audit.record(order_id: event.order_id)
end
`;

/** Every line the app's request log wrote, parsed. */
class LogLines extends Writable {
  readonly text: string[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text.push(chunk.toString('utf8'));
    done();
  }

  get lines(): Record<string, unknown>[] {
    return this.text
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

// Real PostgreSQL and Temporal dev server; one request per second per key on POST /v1/events.
describe('API ingest rate limit and request log', () => {
  let h: ApiHarness;
  const log = new LogLines();
  const post = (token: string, id: string) =>
    h
      .http()
      .post('/v1/events')
      .set('authorization', `Bearer ${token}`)
      .send({ id, type: 'order.placed', data: { order_id: `order-of-${id}` } });
  const stored = async (ids: readonly string[]): Promise<string[]> => {
    const { rows } = await h.database.db.query<{ id: string }>('SELECT id FROM events WHERE id = ANY($1)', [
      ids,
    ]);
    return rows.map((r) => r.id).sort();
  };

  beforeAll(async () => {
    h = await startApiHarness({ env: { OPSFLOW_INGEST_RATE_LIMIT: '1' }, app: { logStream: log } });
    await h.deploy({ 'orders.rule': RULES });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('answers 429 problem+json with Retry-After over the limit, and stores nothing refused', async () => {
    const ids = ['limit-1', 'limit-2', 'limit-3', 'limit-4'];
    const answers = await Promise.all(ids.map((id) => post(h.tokens.ingest, id)));
    const accepted = ids.filter((_, i) => answers[i].status === 202);
    const refused = answers.filter((r) => r.status === 429);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(accepted.length + refused.length).toBe(ids.length);
    for (const res of refused) {
      expect(expectProblem(res, 429).type).toBe('https://opsflow.dev/problems/rate-limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(await stored(ids)).toEqual([...accepted].sort());
  });

  it('gives each key its own budget, and limits no other route', async () => {
    // Two keys whose budgets nothing has touched yet.
    const [first, second] = await Promise.all(
      ['budget-a', 'budget-b'].map(async (name) => {
        const res = await h
          .http()
          .post('/v1/keys')
          .set('authorization', `Bearer ${h.tokens.admin}`)
          .send({ name, role: 'operator' });
        return (res.body as { token: string }).token;
      }),
    );
    const a = ['own-a-1', 'own-a-2', 'own-a-3'];
    const b = ['own-b-1', 'own-b-2', 'own-b-3'];
    const [ofA, ofB] = await Promise.all([
      Promise.all(a.map((id) => post(first, id))),
      Promise.all(b.map((id) => post(second, id))),
    ]);
    for (const answers of [ofA, ofB]) {
      expect(answers.filter((r) => r.status === 202).length).toBeGreaterThanOrEqual(1);
      expect(answers.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
    }
    // Other routes of the same key: no limit.
    const reads = await Promise.all(
      Array.from({ length: 8 }, () => h.http().get('/v1/rules').set('authorization', `Bearer ${first}`)),
    );
    expect(reads.map((r) => r.status)).toEqual(Array(8).fill(200));
  });

  it('logs one line per request with method, route, status, duration and id, never tokens or bodies', async () => {
    log.text.length = 0;
    const secretValue = 'customer-secret-value-93817';
    const res = await h
      .http()
      .post('/v1/events')
      .set('authorization', `Bearer ${h.tokens.admin}`)
      .set('cookie', 'session=cookie-secret-4711')
      .set('x-api-key', 'header-secret-2718')
      .set('x-request-id', 'req-test-1')
      .send({ id: 'logged-event', type: 'order.placed', data: { order_id: secretValue } });
    expect(res.status).toBe(202);
    expect(res.headers['x-request-id']).toBe('req-test-1');
    await h.http().get('/v1/rules?token=query-secret-1618').set('authorization', `Bearer ${h.tokens.viewer}`);

    const lines = log.lines;
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual(
      expect.objectContaining({
        level: 30,
        msg: 'request',
        reqId: 'req-test-1',
        method: 'POST',
        route: '/v1/events',
        path: '/v1/events',
        status: 202,
        durationMs: expect.any(Number),
      }),
    );
    expect(lines[1]).toEqual(
      expect.objectContaining({ method: 'GET', route: '/v1/rules', path: '/v1/rules', status: 200 }),
    );
    expect(lines[1].reqId).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
    const text = log.text.join('');
    for (const secret of [
      h.tokens.admin,
      h.tokens.viewer,
      secretValue,
      'logged-event',
      'cookie-secret-4711',
      'header-secret-2718',
      'query-secret-1618',
    ]) {
      expect({ secret, logged: text.includes(secret) }).toEqual({ secret, logged: false });
    }
  });
});
