/**
 * SIGKILL the api process during a burst of 5,000 events. The client keeps what each request
 * got: a 202, or no answer (reset, refused). After a new api process is up it resends every
 * event that got no answer: those stored before the kill must answer `duplicate: true`, the
 * others `duplicate: false`. Then every event is stored once, routed once (one outcome row), and
 * the runs the guard lets through start once (one workflow execution, one side effect each).
 */
import { INTERPRETER_WORKFLOW_TYPE } from '../workflows/contract';
import { sleep, waitUntil } from './processes';
import type { Scenario, ScenarioResult } from './scenario';
import { Checks } from './scenario';
import { inParallel, runStatuses } from './services';
import { keyedWorkflowId, startStack } from './stack';
import type { TargetServer } from './target-server';

const RULE = 'fault_api_kill';
const EVENTS = 5000;
/** Every tenth event starts a run (the guard skips the others, which are still routed). */
const RUN_EVERY = 10;
const CONCURRENCY = 24;
/** Acknowledged events before the kill. */
const KILL_AFTER = 1500;

const rules = (target: TargetServer): string => `
event fault.burst {
  n: int
  order_id: string
}

rule ${RULE}
  on fault.burst
  when event.n % ${RUN_EVERY} == 0
  key event.order_id
do
  call http.request(method: "POST", url: "${target.url('/effects/burst')}", body: { run: event.order_id, step: "only" }) retry 50 every 1s backoff 1 timeout 8s
end
`;

interface Sent {
  readonly id: string;
  readonly n: number;
  /** The `duplicate` of the 202, undefined without an answer. */
  duplicate?: boolean;
  /** Answers other than 202 (there must be none). */
  other?: number;
}

export const apiKill: Scenario = {
  name: 'api-kill',
  title: `SIGKILL the api during a ${EVENTS}-event burst; resend what got no answer`,
  async run(ctx): Promise<ScenarioResult> {
    const checks = new Checks();
    const stack = await startStack(ctx, { rules });
    const events: Sent[] = Array.from({ length: EVENTS }, (_, n) => ({ id: `burst-${n}`, n }));
    const body = (e: Sent): { id: string; type: string; data: Record<string, unknown> } => ({
      id: e.id,
      type: 'fault.burst',
      data: { n: e.n, order_id: `o-${e.n}` },
    });
    const send = async (e: Sent): Promise<void> => {
      try {
        const answer = await stack.api.request('POST', '/v1/events', body(e), 10_000);
        if (answer.status === 202) e.duplicate = (answer.body as { duplicate: boolean }).duplicate;
        else e.other = answer.status;
      } catch {
        // No answer: the client does not know whether it was stored, and resends it later.
      }
    };

    let acked = 0;
    let killing: Promise<void> | undefined;
    const begin = Date.now();
    await inParallel(events, CONCURRENCY, async (e) => {
      await send(e);
      if (e.duplicate !== undefined) acked++;
      if (acked >= KILL_AFTER && !killing) {
        ctx.log(`SIGKILL api (pid ${stack.apiProcess.pid}) after ${acked} acknowledged events`);
        killing = stack.apiProcess.kill('SIGKILL');
      }
      if ((e.n + 1) % 1000 === 0) ctx.log(`sent ${e.n + 1} of ${EVENTS}, ${acked} acknowledged`);
    });
    await killing;
    const firstPass = events.filter((e) => e.duplicate !== undefined).length;
    const unanswered = events.filter((e) => e.duplicate === undefined && e.other === undefined);
    ctx.log(
      `burst done in ${((Date.now() - begin) / 1000).toFixed(1)} s: ${firstPass} acknowledged, ${unanswered.length} without an answer`,
    );
    checks.expect(
      'the kill interrupted the burst',
      unanswered.length > 0,
      `${unanswered.length} events got no answer`,
    );

    // Statements the killed process had sent may still be finishing: let them, then look.
    await sleep(1000);
    const { rows: storedRows } = await stack.db.query<{ id: string }>(
      `SELECT id FROM events WHERE id = ANY($1::text[])`,
      [unanswered.map((e) => e.id)],
    );
    const storedBeforeResend = new Set(storedRows.map((r) => r.id));
    ctx.log(
      `${storedBeforeResend.size} of the unanswered events were stored before the kill; restarting the api`,
    );
    await stack.restartApi();
    for (const e of unanswered) {
      e.duplicate = undefined;
      e.other = undefined;
    }
    await inParallel(unanswered, CONCURRENCY, send);
    const resendUnanswered = unanswered.filter((e) => e.duplicate === undefined).length;
    const wrongFlag = unanswered.filter(
      (e) => e.duplicate !== undefined && e.duplicate !== storedBeforeResend.has(e.id),
    );
    const resentDuplicates = unanswered.filter((e) => e.duplicate === true).length;
    checks.equal('resent events answered 202', unanswered.length - resendUnanswered, unanswered.length);
    checks.expect(
      'a resent event answers duplicate: true exactly when it was stored before the kill',
      wrongFlag.length === 0,
      `${resentDuplicates} duplicate: true, ${storedBeforeResend.size} stored before; wrong: ${
        wrongFlag
          .slice(0, 5)
          .map((e) => e.id)
          .join(', ') || 'none'
      }`,
    );
    const others = events.filter((e) => e.other !== undefined);
    checks.expect('no answer other than 202', others.length === 0, `${others.length} other answer(s)`);

    ctx.log('waiting until every event is routed');
    await waitUntil(
      'every event to be routed',
      async () => {
        const { rows } = await stack.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM events WHERE route_status <> 'routed'`,
        );
        return rows[0].n === 0;
      },
      120_000,
      1000,
    ).catch((err: unknown) => ctx.log(err instanceof Error ? err.message : String(err)));
    const ids = events.map((e) => e.id);
    const { rows: db } = await stack.db.query<{
      stored: number;
      routed: number;
      one_outcome: number;
      started: number;
      skipped: number;
      other_outcomes: number;
    }>(
      `WITH o AS (SELECT event_id, count(*) AS n, min(outcome) AS outcome FROM event_outcomes
                   WHERE rule_name = $2 GROUP BY event_id)
       SELECT count(e.id)::int AS stored,
              count(*) FILTER (WHERE e.route_status = 'routed')::int AS routed,
              count(*) FILTER (WHERE o.n = 1)::int AS one_outcome,
              count(*) FILTER (WHERE o.outcome = 'started')::int AS started,
              count(*) FILTER (WHERE o.outcome = 'skipped')::int AS skipped,
              count(*) FILTER (WHERE o.outcome NOT IN ('started', 'skipped'))::int AS other_outcomes
         FROM events e LEFT JOIN o ON o.event_id = e.id WHERE e.id = ANY($1::text[])`,
      [ids, RULE],
    );
    const { rows: strays } = await stack.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM events)::int + (SELECT count(*) FROM event_outcomes)::int AS n`,
    );
    const figures = db[0];
    const expectedRuns = Math.ceil(EVENTS / RUN_EVERY);
    checks.equal('acknowledged events stored', figures.stored, EVENTS);
    checks.equal('stored events routed', figures.routed, EVENTS);
    checks.equal('events with exactly one outcome row', figures.one_outcome, EVENTS);
    checks.equal('nothing else in the tables (events + outcome rows)', strays[0].n, EVENTS * 2);
    checks.equal('events that started a run', figures.started, expectedRuns);
    checks.equal('events skipped by the guard', figures.skipped, EVENTS - expectedRuns);
    checks.equal('outcomes other than started/skipped', figures.other_outcomes, 0);

    const runIds = events.filter((e) => e.n % RUN_EVERY === 0).map((e) => `o-${e.n}`);
    let statuses = new Map<string, number>();
    await waitUntil(
      'every run to complete',
      async () => {
        statuses = await runStatuses(
          stack.client,
          runIds.map((id) => keyedWorkflowId(RULE, id)),
        );
        ctx.log(`runs: ${[...statuses].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ')}`);
        return (statuses.get('COMPLETED') ?? 0) === expectedRuns;
      },
      120_000,
      3000,
    ).catch((err: unknown) => ctx.log(err instanceof Error ? err.message : String(err)));
    const completed = statuses.get('COMPLETED') ?? 0;
    checks.equal('runs completed', completed, expectedRuns);
    // One execution per workflow id: a second start would show as a second execution in the list.
    let executions = 0;
    for await (const _ of stack.client.workflow.list({
      query: `WorkflowType = '${INTERPRETER_WORKFLOW_TYPE}'`,
    }))
      executions++;
    checks.equal('workflow executions', executions, expectedRuns);
    const tally = stack.target.tally(runIds.map((id) => `${id}/only`));
    checks.expect(
      'each run called the target under exactly one key',
      tally.lost === 0 && tally.duplicates === 0,
      `${tally.effects} effects for ${expectedRuns} runs; ${tally.examples.join('; ') || 'none missing or doubled'}`,
    );
    const acknowledged = events.filter((e) => e.duplicate !== undefined).length;
    // Stored before the kill yet answered as new on resend: the API would have stored it twice.
    const storedTwice = wrongFlag.filter((e) => e.duplicate === false).length;
    return {
      checks: checks.list,
      figures: {
        sent: EVENTS,
        acknowledged,
        stored: figures.stored,
        routedOnce: figures.one_outcome,
        runs: completed,
        effects: tally.effects,
        redeliveries: tally.redeliveries,
        duplicates: tally.duplicates + storedTwice + Math.max(0, executions - expectedRuns),
        lost:
          tally.lost +
          (EVENTS - figures.stored) +
          (EVENTS - figures.one_outcome) +
          (expectedRuns - completed),
        notes: {
          firstPass,
          noAnswer: unanswered.length,
          storedBeforeResend: storedBeforeResend.size,
          resentDuplicate: resentDuplicates,
        },
      },
    };
  },
};
