import { eventually } from '../../engine/testing/eventually';
import { expectProblem, startApiHarness, type ApiHarness } from './api-harness';

const RULES = `event order.placed {
  order_id: string
}
action audit.record(order_id: string) -> { ok: bool }

rule record_order
  on order.placed
do
  call audit.record(order_id: event.order_id)
end
`;

/** The value of one sample line (`name{labels} value`) of a Prometheus text exposition. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

// Real PostgreSQL and a real Temporal dev server.
describe('GET /metrics', () => {
  let h: ApiHarness;
  const scrape = async (): Promise<string> => {
    const res = await h.http().get('/metrics').set('authorization', `Bearer ${h.tokens.viewer}`);
    expect(res.status).toBe(200);
    return res.text;
  };

  beforeAll(async () => {
    h = await startApiHarness();
    await h.deploy({ 'orders.rule': RULES });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('needs the role viewer and answers the Prometheus text format', async () => {
    expectProblem(await h.http().get('/metrics'), 401);
    expectProblem(await h.http().get('/metrics').set('authorization', `Bearer ${h.tokens.ingest}`), 403);
    const res = await h.http().get('/metrics').set('authorization', `Bearer ${h.tokens.viewer}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.text).toContain('# TYPE opsflow_http_requests_total counter');
    expect(res.text).toContain('# TYPE opsflow_http_request_duration_seconds histogram');
    // Node's default metrics.
    expect(res.text).toContain('# TYPE nodejs_heap_size_used_bytes gauge');
    expect(res.text).toContain('# TYPE process_cpu_user_seconds_total counter');
  });

  it('counts events ingested, new and duplicate', async () => {
    const before = await scrape();
    const ingest = (id: string) =>
      h
        .http()
        .post('/v1/events')
        .set('authorization', `Bearer ${h.tokens.ingest}`)
        .send({ id, type: 'order.placed', data: { order_id: id } });
    expect((await ingest('m-1')).body).toEqual({ id: 'm-1', duplicate: false });
    expect((await ingest('m-1')).body).toEqual({ id: 'm-1', duplicate: true });
    const batch = await h
      .http()
      .post('/v1/events')
      .set('authorization', `Bearer ${h.tokens.ingest}`)
      .send([
        { id: 'm-2', type: 'order.placed', data: { order_id: 'm-2' } },
        { id: 'm-1', type: 'order.placed', data: { order_id: 'm-1' } },
      ]);
    expect(batch.status).toBe(202);
    const after = await scrape();
    const delta = (series: string) => (sample(after, series) ?? 0) - (sample(before, series) ?? 0);
    expect(delta('opsflow_events_ingested_total{result="new"}')).toBe(2);
    expect(delta('opsflow_events_ingested_total{result="duplicate"}')).toBe(2);
  });

  it('counts requests and their durations by route pattern and status', async () => {
    const viewer = `Bearer ${h.tokens.viewer}`;
    expectProblem(await h.http().get('/v1/runs/no-such-run').set('authorization', viewer), 404);
    expectProblem(await h.http().get('/no/such/path/at-all').set('authorization', viewer), 404);
    expect((await h.http().get('/healthz')).status).toBe(200);
    const runs = 'method="GET",route="/v1/runs/:runId",status="404"';
    const unmatched = 'method="GET",route="unmatched",status="404"';
    const healthz = 'method="GET",route="/healthz",status="200"';
    await eventually(
      async () => {
        const text = await scrape();
        return (
          (sample(text, `opsflow_http_requests_total{${runs}}`) ?? 0) >= 1 &&
          (sample(text, `opsflow_http_requests_total{${unmatched}}`) ?? 0) >= 1 &&
          (sample(text, `opsflow_http_request_duration_seconds_count{${healthz}}`) ?? 0) >= 1
        );
      },
      5_000,
      'the requests to be counted',
    );
    const text = await scrape();
    // The path's id is not a label: one series per route, whatever ids are asked for.
    expect(text).not.toContain('no-such-run');
    expect(text).not.toContain('/no/such/path');
    expect(sample(text, `opsflow_http_request_duration_seconds_bucket{le="+Inf",${healthz}}`)).toBe(
      sample(text, `opsflow_http_request_duration_seconds_count{${healthz}}`),
    );
  });
});
