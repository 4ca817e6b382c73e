/**
 * The CloudEvents HTTP binding as the official `cloudevents` SDK speaks it, against the real API
 * listening on a port (real PostgreSQL, the real dev server and a worker with the interpreter):
 * binary, structured and batched modes, `data_base64`, extension attributes kept with the event,
 * `traceparent` carried into the run, and a type no rule declares refused with a suggestion.
 */
import type { AddressInfo } from 'node:net';
import { CloudEvent, HTTP } from 'cloudevents';
import { Router } from '../../engine/router';
import { eventually } from '../../engine/testing/eventually';
import { startApiHarness, type ApiHarness } from './api-harness';

const RULES = `event ticket.opened {
  ticket_id: string
  priority: string
}

rule triage_ticket
  on ticket.opened
  key event.ticket_id
do
  log "triage \${event.ticket_id}"
end
`;

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

interface Sent {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: Record<string, unknown>;
}

describe('CloudEvents over HTTP', () => {
  let h: ApiHarness;
  let base: string;
  let token: string;

  beforeAll(async () => {
    h = await startApiHarness({ worker: true });
    await h.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(h.app.getHttpServer().address() as AddressInfo).port}`;
    token = h.tokens.ingest;
    await h.deploy({ 'tickets.rule': RULES });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  /** Posts a message as the SDK built it (headers and body), with the ingest key. */
  async function send(message: { headers: Record<string, unknown>; body: unknown }): Promise<Sent> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    for (const [name, value] of Object.entries(message.headers)) headers[name] = String(value);
    const res = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers,
      body: typeof message.body === 'string' ? message.body : JSON.stringify(message.body),
    });
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: (await res.json()) as Record<string, unknown>,
    };
  }

  async function view(id: string): Promise<Record<string, unknown>> {
    const res = await h.http().get(`/v1/events/${id}`).set('authorization', `Bearer ${h.tokens.viewer}`);
    expect(res.status).toBe(200);
    return res.body as Record<string, unknown>;
  }

  const ticket = (id: string, extra: Record<string, unknown> = {}) =>
    new CloudEvent({
      id,
      type: 'ticket.opened',
      source: '/helpdesk',
      subject: `tickets/${id}`,
      time: '2026-03-01T12:00:00Z',
      datacontenttype: 'application/json',
      data: { ticket_id: id, priority: 'urgent' },
      ...extra,
    });

  it('takes binary mode (ce-* headers, the data as the body) and keeps the extensions', async () => {
    const message = HTTP.binary(ticket('T-bin', { traceparent: TRACEPARENT, region: 'eu-west', attempt: 2 }));
    expect(message.headers).toEqual(expect.objectContaining({ 'ce-id': 'T-bin', 'ce-specversion': '1.0' }));
    const sent = await send(message);
    expect(sent).toEqual({
      status: 202,
      contentType: expect.stringMatching(/^application\/json/),
      body: { id: 'T-bin', duplicate: false },
    });
    expect(await view('T-bin')).toEqual(
      expect.objectContaining({
        id: 'T-bin',
        type: 'ticket.opened',
        source: '/helpdesk',
        subject: 'tickets/T-bin',
        time: '2026-03-01T12:00:00.000Z',
        datacontenttype: 'application/json',
        data: { ticket_id: 'T-bin', priority: 'urgent' },
        // Headers carry text: a binary-mode extension arrives as a string.
        extensions: { traceparent: TRACEPARENT, region: 'eu-west', attempt: '2' },
        declared: true,
      }),
    );
    expect((await send(message)).body).toEqual({ id: 'T-bin', duplicate: true });
  });

  it('takes structured mode, with typed extensions and data_base64', async () => {
    const sent = await send(HTTP.structured(ticket('T-str', { region: 'ap', attempt: 3, replay: true })));
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ id: 'T-str', duplicate: false });
    expect((await view('T-str')).extensions).toEqual({ region: 'ap', attempt: 3, replay: true });

    const bytes = Buffer.from(JSON.stringify({ ticket_id: 'T-b64', priority: 'low' }));
    const binaryData = new CloudEvent({
      id: 'T-b64',
      type: 'ticket.opened',
      source: '/helpdesk',
      datacontenttype: 'application/json',
      data: new Uint8Array(bytes),
    });
    const structured = HTTP.structured(binaryData);
    expect(JSON.parse(structured.body as string)).toEqual(
      expect.objectContaining({ data_base64: bytes.toString('base64') }),
    );
    expect((await send(structured)).status).toBe(202);
    expect((await view('T-b64')).data).toEqual({ ticket_id: 'T-b64', priority: 'low' });
  });

  it('takes a batch (application/cloudevents-batch+json), all or nothing', async () => {
    const events = [ticket('T-batch-1'), ticket('T-batch-2')].map((e) => e.toJSON());
    const headers = { 'content-type': 'application/cloudevents-batch+json' };
    const sent = await send({ headers, body: events });
    expect(sent).toEqual(
      expect.objectContaining({
        status: 202,
        body: {
          results: [
            { id: 'T-batch-1', duplicate: false },
            { id: 'T-batch-2', duplicate: false },
          ],
        },
      }),
    );
    expect((await send({ headers, body: [] })).body).toEqual({ results: [] });
    const mixed = await send({
      headers,
      body: [ticket('T-batch-3').toJSON(), { id: 'x', type: 'ticket.opened' }],
    });
    expect(mixed.status).toBe(422);
    expect(mixed.body.errors).toEqual([expect.objectContaining({ index: 1, path: 'specversion' })]);
    expect(
      (await h.http().get('/v1/events/T-batch-3').set('authorization', `Bearer ${h.tokens.viewer}`)).status,
    ).toBe(404);
  });

  it('refuses a type no rule declares, with the closest declared one', async () => {
    const typo = HTTP.binary(
      new CloudEvent({
        id: 'T-typo',
        type: 'ticket.opend',
        source: '/helpdesk',
        data: { ticket_id: 'T-typo' },
      }),
    );
    const sent = await send(typo);
    expect(sent.status).toBe(422);
    expect(sent.contentType).toMatch(/^application\/problem\+json/);
    expect(sent.body).toEqual(
      expect.objectContaining({
        type: 'https://opsflow.dev/problems/unknown-event-type',
        title: 'The event type is not declared',
        detail: expect.stringContaining("did you mean 'ticket.opened'?"),
        errors: [expect.objectContaining({ index: 0, path: 'type', didYouMean: 'ticket.opened' })],
      }),
    );
    expect(
      (await h.http().get('/v1/events/T-typo').set('authorization', `Bearer ${h.tokens.viewer}`)).status,
    ).toBe(404);
  });

  it('accepts opsflow.run_failed, the built-in type, checked against its schema', async () => {
    const failed = new CloudEvent({
      id: 'F-1',
      type: 'opsflow.run_failed',
      source: '/elsewhere',
      data: { rule: 'r', version: 1, run_id: 'x', error: 'boom' },
    });
    expect((await send(HTTP.structured(failed))).status).toBe(202);
    expect((await view('F-1')).declared).toBe(true);
    const wrong = new CloudEvent({
      id: 'F-2',
      type: 'opsflow.run_failed',
      source: '/x',
      data: { rule: 'r' },
    });
    expect((await send(HTTP.structured(wrong))).body).toEqual(
      expect.objectContaining({ type: 'https://opsflow.dev/problems/invalid-event' }),
    );
  });

  it('passes traceparent on to the run: the run view and its OpsflowTraceId search attribute', async () => {
    const traced = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect((await send(HTTP.binary(ticket('T-trace', { traceparent: traced })))).status).toBe(202);
    await new Router({ db: h.database.db, client: h.client, taskQueue: h.taskQueue }).drain();
    const outcome = (await view('T-trace')).outcomes as { runId: string }[];
    expect(outcome).toEqual([expect.objectContaining({ rule: 'triage_ticket', outcome: 'started' })]);
    const runId = outcome[0].runId;
    let run: Record<string, unknown> = {};
    await eventually(
      async () => {
        const res = await h.http().get(`/v1/runs/${runId}`).set('authorization', `Bearer ${h.tokens.viewer}`);
        run = res.body as Record<string, unknown>;
        return res.status === 200 && run.status === 'completed';
      },
      30_000,
      'the traced run to complete',
    );
    expect(run).toEqual(
      expect.objectContaining({
        traceparent: traced,
        eventId: 'T-trace',
        trigger: expect.objectContaining({ event: expect.objectContaining({ traceparent: traced }) }),
      }),
    );
    const runs = h.client.workflow.list({ query: `OpsflowTraceId = '0af7651916cd43dd8448eb211c80319c'` });
    const found: string[] = [];
    for await (const info of runs) found.push(info.runId);
    expect(found).toEqual([runId]);
  });
});
