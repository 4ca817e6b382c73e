import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolveTemporalCli } from '../temporal/binaries';
import { startManualRun } from './manual';
import { eventually } from '../testing/eventually';
import { startEngineHarness, type EngineHarness } from './testing/engine-harness';

const RULES = `event ticket.opened {
  ticket_id: string
}

rule ticket_queue
  on ticket.opened
  key event.ticket_id
  concurrency queue
do
  sleep 1s
end

rule ticket_by_hand
  manual(reason: string)
do
  log "by hand: \${input.reason}"
end
`;

interface Listed {
  readonly execution: { readonly workflowId: string; readonly runId: string };
  readonly status: string;
}

// What an operator does in a shell: `temporal workflow list --query` over opsflow's search attributes.
describe('search attributes of runs', () => {
  let h: EngineHarness;
  let cli: string;

  beforeAll(async () => {
    h = await startEngineHarness();
    cli = await resolveTemporalCli();
    await h.deploy({ 'tickets.rule': RULES });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  async function list(query: string): Promise<Listed[]> {
    const { stdout } = await promisify(execFile)(cli, [
      'workflow',
      'list',
      '--address',
      h.address,
      '--query',
      query,
      '--output',
      'json',
    ]);
    return stdout.trim() === '' ? [] : (JSON.parse(stdout) as Listed[]);
  }

  it('finds a rule’s runs, the run of a key and the run of an event; a queued trigger names its own event', async () => {
    const router = h.router();
    await h.store.ingest([
      { id: 'evt-1', type: 'ticket.opened', data: { ticket_id: 'T-1' } },
      { id: 'evt-9', type: 'ticket.opened', data: { ticket_id: 'T-1' } },
      { id: 'evt-2', type: 'ticket.opened', data: { ticket_id: 'T-2' } },
    ]);
    await router.drain();
    await eventually(
      async () => (await list(`OpsflowRule = 'ticket_queue' AND ExecutionStatus = 'Completed'`)).length === 2,
      30_000,
      'both keys’ runs to complete (T-1 after its queued trigger)',
    );

    const ofKey = await list(`OpsflowKey = 'T-1' AND ExecutionStatus != 'ContinuedAsNew'`);
    expect(ofKey.map((r) => r.execution.workflowId)).toEqual(['opsflow/ticket_queue/key/T-1']);
    // evt-9 was queued behind evt-1: the run that continued as new with it carries its id.
    const ofEvent = await list(`OpsflowEventId = 'evt-9'`);
    expect(ofEvent).toEqual([
      expect.objectContaining({
        execution: expect.objectContaining({ workflowId: 'opsflow/ticket_queue/key/T-1' }),
      }),
    ]);
    expect(ofEvent[0].execution.runId).toBe(ofKey[0].execution.runId);
    const first = await list(`OpsflowEventId = 'evt-1'`);
    expect(first.map((r) => r.status)).toEqual(['WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW']);
    expect(
      await list(`OpsflowRule = 'ticket_queue' AND OpsflowVersion = 1 AND OpsflowTrigger = 'event'`),
    ).toHaveLength(3);
  }, 90_000);

  it('sets them on manual runs too', async () => {
    const started = await startManualRun(
      { db: h.database.db, client: h.client, taskQueue: h.taskQueue, rules: h.rules },
      { rule: 'ticket_by_hand', input: { reason: 'test' }, by: 'ops' },
    );
    await h.client.workflow.getHandle(started.workflowId, started.runId).result();
    await eventually(
      async () => (await list(`OpsflowRule = 'ticket_by_hand' AND OpsflowTrigger = 'manual'`)).length === 1,
      20_000,
      'the manual run to be listed',
    );
    const described = await h.client.workflow.getHandle(started.workflowId, started.runId).describe();
    expect(described.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])).toEqual(
      expect.arrayContaining([
        ['OpsflowRule', 'ticket_by_hand'],
        ['OpsflowVersion', 1],
        ['OpsflowTrigger', 'manual'],
      ]),
    );
  }, 60_000);
});
