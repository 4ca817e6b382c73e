import { performance } from 'node:perf_hooks';
import { MAX_JSON_DEPTH } from '../common/json-body';
import { expectProblem, startApiHarness, type ApiHarness } from './api-harness';

// Issue 12, on the real app (PostgreSQL, Temporal dev server): hostile bodies and rule sets.
const RULES = `event order.placed {
  order_id: string
  data: any
}

rule record_order
  on order.placed
do
  log "order \${event.order_id}"
end
`;

/** JSON nested `depth` levels deep, as text (JSON.stringify would recurse). */
const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);

describe('hostile input (issue 12)', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness();
    await h.deploy({ 'orders.rule': RULES });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  const post = (path: string, body: string, token?: string) => {
    const req = h.http().post(path).set('content-type', 'application/json');
    return (token ? req.set('authorization', `Bearer ${token}`) : req).send(body);
  };

  it('answers an anonymous 3.8 MiB body of nested [ with 401, before reading it', async () => {
    const body = '['.repeat(2_000_000) + ' '.repeat(1_800_000);
    expect(body.length).toBeGreaterThan(3.6 * 1024 * 1024);
    for (const path of ['/v1/events', '/v1/deployments', '/v1/rules:validate', '/v1/no-such-route']) {
      const res = await post(path, body);
      const problem = expectProblem(res, 401);
      expect(problem.type).toBe('https://opsflow.dev/problems/unauthorized');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    // A token that is not valid is refused the same way.
    expectProblem(await post('/v1/events', body, 'opsflow_not-a-real-key'), 401);
  }, 60_000);

  it('refuses event data nested 10,000 deep with 422 invalid-event naming the depth limit', async () => {
    const data = nested(10_000);
    expect(data.length).toBe(20_001);
    const res = await post(
      '/v1/events',
      `{"id":"deep-1","type":"order.placed","data":{"order_id":"o","data":${data}}}`,
      h.tokens.ingest,
    );
    const problem = expectProblem(res, 422);
    expect(problem.type).toBe('https://opsflow.dev/problems/invalid-event');
    expect(problem.detail).toContain(`${MAX_JSON_DEPTH} levels`);
    // CloudEvents' structured mode goes through the same parser.
    const structured = await h
      .http()
      .post('/v1/events')
      .set('authorization', `Bearer ${h.tokens.ingest}`)
      .set('content-type', 'application/cloudevents+json')
      .send(
        `{"specversion":"1.0","id":"deep-2","source":"t","type":"order.placed","data":{"order_id":"o","data":${data}}}`,
      );
    expect(expectProblem(structured, 422).type).toBe('https://opsflow.dev/problems/invalid-event');
    // Elsewhere the same limit is an invalid body; nothing was stored.
    const deploy = await post('/v1/deployments', `{"files":${nested(5_000, '{}')}}`, h.tokens.editor);
    expect(expectProblem(deploy, 422).type).toBe('https://opsflow.dev/problems/invalid-body');
    const { rows } = await h.database.db.query('SELECT id FROM events WHERE id LIKE $1', ['deep-%']);
    expect(rows).toEqual([]);
  });

  it('takes data nested within the limit, and a depth-looking string', async () => {
    const data = nested(MAX_JSON_DEPTH - 4);
    const res = await post(
      '/v1/events',
      JSON.stringify({
        id: 'ok-1',
        type: 'order.placed',
        data: { order_id: '[[[[', data: JSON.parse(data) as unknown },
      }),
      h.tokens.ingest,
    );
    expect(res.status).toBe(202);
  });

  it('compiles off the event loop: other requests are answered while a large rule set compiles', async () => {
    // A valid rule of 20,000 `if` blocks: a long compile, and far too much IR for a run.
    const blocks = '  if event.order_id == "x"\n    log "x"\n  end\n'.repeat(20_000);
    const big = `${RULES}\nrule big\n  on order.placed\ndo\n${blocks}end\n`;
    let done = false;
    const validation = post(
      '/v1/rules:validate',
      JSON.stringify({ files: [{ path: 'big.rule', content: big }] }),
      h.tokens.editor,
    ).then((res) => {
      done = true;
      return res;
    });
    // Health checks while it compiles: answered before the compile ends (on the event loop, the
    // compile would hold every one of them until it finished).
    const answered: number[] = [];
    for (let i = 0; i < 200 && !done; i++) {
      const started = performance.now();
      const res = await h.http().get('/healthz');
      expect(res.status).toBe(200);
      if (!done) answered.push(performance.now() - started);
    }
    expect(answered.length).toBeGreaterThan(0);
    const res = await validation;
    expect(res.status).toBe(200);
    const body = res.body as { ok: boolean; diagnostics: { code: string; file: string; line: number }[] };
    expect(body.ok).toBe(false);
    expect(body.diagnostics).toEqual([
      expect.objectContaining({ code: 'rule-too-large', file: 'big.rule', line: 12 }),
    ]);
    // Deploying it is refused the same way, and nothing changes.
    const deploy = await post(
      '/v1/deployments',
      JSON.stringify({ files: [{ path: 'big.rule', content: big }] }),
      h.tokens.editor,
    );
    expect(expectProblem(deploy, 422).diagnostics).toEqual([
      expect.objectContaining({ code: 'rule-too-large' }),
    ]);
  }, 300_000);

  it('reports hostile rule text as located diagnostics through the API', async () => {
    const ors = Array.from({ length: 201 }, (_, i) => `event.order_id == "${i}"`).join(' or ');
    let bomb = 'rule: bomb\non: order.placed\ndo:\n  - &s1 {log: x}\n';
    for (let i = 2; i <= 7; i++) bomb += `  - &s${i} {parallel: [[*s${i - 1}, *s${i - 1}, *s${i - 1}]]}\n`;
    const files = [
      { path: 'orders.rule', content: RULES },
      { path: 'ors.rule', content: `rule ors\n  on order.placed\n  when ${ors}\ndo\n  log "x"\nend\n` },
      {
        path: 'nots.rule',
        content: `rule nots\n  on order.placed\n  when ${'not '.repeat(3000)}true\ndo\n  log "x"\nend\n`,
      },
      { path: 'bomb.rule.yaml', content: bomb },
    ];
    const res = await post('/v1/rules:validate', JSON.stringify({ files }), h.tokens.editor);
    expect(res.status).toBe(200);
    const found = (
      res.body as { diagnostics: { code: string; file: string; line: number }[] }
    ).diagnostics.map((d) => [d.file, d.code, d.line]);
    expect(found).toEqual([
      ['bomb.rule.yaml', 'yaml-shape', 5],
      // Past 1000 levels the parser refuses it (and the guard is then not a bool).
      ['nots.rule', 'expression-too-deep', 3],
      ['nots.rule', 'not-bool', 3],
      ['ors.rule', 'expression-too-deep', 3],
    ]);
  });
});
