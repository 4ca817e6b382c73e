import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { freshDatabase, type FreshDatabase } from '../db/testing/fresh-database';
import type { StoredEventRow } from '../ingest/stored-event';
import { createSubscriptionActivities, signalBatch } from './subscriptions';

// Real PostgreSQL; Temporal's client is replaced by a recorder, to see the order of the signals
// each run gets (the delivery itself on the real server is covered by router.test.ts).
describe('signalBatch', () => {
  let fresh: FreshDatabase;
  beforeAll(async () => {
    fresh = await freshDatabase(4);
  }, 60_000);
  afterAll(async () => {
    await fresh?.drop();
  });

  const event = (id: string, ticket: string): StoredEventRow => ({
    id,
    type: 'ticket.resolved',
    source: null,
    time: new Date('2026-11-22T10:00:00Z'),
    data: { ticket_id: ticket },
    causal_depth: 0,
  });

  const subscribe = (workflowId: string, ticket: string | null) =>
    fresh.db.query(
      `INSERT INTO subscriptions (workflow_id, event_type, correlation_key, correlation_field, correlation_value, run_id, since)
       VALUES ($1, 'ticket.resolved', $2, $3, $4::jsonb, 'r', now())`,
      [
        workflowId,
        ticket === null ? '' : `ticket_id="${ticket}"`,
        ticket === null ? null : 'ticket_id',
        ticket === null ? null : JSON.stringify(ticket),
      ],
    );

  function recorder(behaviour: (workflowId: string, eventId: string) => Error | undefined) {
    const signals: string[] = [];
    const client = {
      workflow: {
        getHandle: (workflowId: string) => ({
          signal: async (_def: unknown, runEvent: { id: string }) => {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
            const failure = behaviour(workflowId, runEvent.id);
            if (failure) throw failure;
            signals.push(`${workflowId}<-${runEvent.id}`);
          },
        }),
      },
    } as unknown as Client;
    return { client, signals };
  }

  it('gives each run its events in batch order, and drops the subscriptions of an ended run', async () => {
    await fresh.db.exec('DELETE FROM subscriptions');
    await subscribe('wf-a', 'T1');
    await subscribe('wf-any', null);
    await subscribe('wf-gone', 'T2');
    const { client, signals } = recorder((wf) =>
      wf === 'wf-gone' ? new WorkflowNotFoundError('ended', wf, undefined) : undefined,
    );
    const batch = [event('e1', 'T1'), event('e2', 'T2'), event('e3', 'T1'), event('e4', 'T3')];
    const result = await signalBatch({ db: fresh.db, client }, batch);

    expect(result).toEqual([
      { ok: true, count: 2 },
      { ok: true, count: 1 },
      { ok: true, count: 2 },
      { ok: true, count: 1 },
    ]);
    expect(signals.filter((s) => s.startsWith('wf-a<-'))).toEqual(['wf-a<-e1', 'wf-a<-e3']);
    expect(signals.filter((s) => s.startsWith('wf-any<-'))).toEqual([
      'wf-any<-e1',
      'wf-any<-e2',
      'wf-any<-e3',
      'wf-any<-e4',
    ]);
    const left = await fresh.db.query<{ workflow_id: string }>('SELECT workflow_id FROM subscriptions');
    expect(left.rows.map((r) => r.workflow_id).sort()).toEqual(['wf-a', 'wf-any']);
  }, 30_000);

  it('fails the event whose signal failed and the later ones of that run, not the others', async () => {
    await fresh.db.exec('DELETE FROM subscriptions');
    await subscribe('wf-a', 'T1');
    await subscribe('wf-b', 'T2');
    const { client, signals } = recorder((wf, id) =>
      wf === 'wf-a' && id === 'e3' ? new Error('Temporal is unavailable') : undefined,
    );
    const batch = [event('e1', 'T1'), event('e2', 'T2'), event('e3', 'T1'), event('e4', 'T1')];
    const result = await signalBatch({ db: fresh.db, client }, batch);

    expect(result.map((r) => r.ok)).toEqual([true, true, false, false]);
    expect(signals.sort()).toEqual(['wf-a<-e1', 'wf-b<-e2']);
  }, 30_000);

  it('unsubscribe with exact drops only that wait, so a parallel branch keeps its subscription', async () => {
    await fresh.db.exec('DELETE FROM subscriptions');
    const { client } = recorder(() => undefined);
    const host = createSubscriptionActivities({ db: fresh.db, client });
    const base = {
      workflowId: 'wf-p',
      runId: 'r1',
      event: 'ticket.resolved',
      since: new Date().toISOString(),
    };
    await host.subscribe({ ...base, correlation: { field: 'ticket_id', value: 'T1' } });
    await host.subscribe({ ...base, correlation: { field: 'ticket_id', value: 'T2' } });
    await host.subscribe(base);
    const left = async () =>
      (
        await fresh.db.query<{ k: string }>('SELECT correlation_key AS k FROM subscriptions ORDER BY 1')
      ).rows.map((r) => r.k);
    expect(await left()).toEqual(['', 'ticket_id="T1"', 'ticket_id="T2"']);
    await host.unsubscribe({ workflowId: 'wf-p', event: 'ticket.resolved', exact: true });
    expect(await left()).toEqual(['ticket_id="T1"', 'ticket_id="T2"']);
    await host.unsubscribe({
      workflowId: 'wf-p',
      event: 'ticket.resolved',
      correlation: { field: 'ticket_id', value: 'T1' },
      exact: true,
    });
    expect(await left()).toEqual(['ticket_id="T2"']);
    // Runs recorded before `exact` existed drop every subscription of the type.
    await host.unsubscribe({ workflowId: 'wf-p', event: 'ticket.resolved' });
    expect(await left()).toEqual([]);
  }, 30_000);
});
