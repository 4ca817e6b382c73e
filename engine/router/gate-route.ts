/**
 * The engine's side of the flow-control gate (`workflows/gate.ts`): the router hands a trigger to
 * its (rule, key)'s gate by signal-with-start, and the gate's `startGatedRun` activity starts the
 * run (by the rule's `concurrency`) and records every trigger's outcome.
 *
 * Once only: the router writes 'starting' before it signals, so routing the event again signals
 * again and the gate takes each event id once. The activity first reads the triggers' outcome
 * rows: a trigger that already has a run (an earlier gate's, the event routed twice across a gate
 * ending) is left out, and a run's event that already has one starts nothing. Retried after a
 * start that reached Temporal, it finds its run by the event id in the memo.
 */
import { Context } from '@temporalio/activity';
import type { RuleIR } from '../../dsl/runtime';
import type { RunInput } from '../../workflows/contract';
import {
  GATE_WORKFLOW_TYPE,
  gateTriggerSignal,
  type GateActivities,
  type GateInput,
  type StartGatedRunInput,
} from '../../workflows/gate-contract';
import type { StoredEventRow } from '../ingest/stored-event';
import type { ActiveRule } from '../registry/records';
import { startRun, type RouteOutcome, type RoutePlan, type RouteRuleDeps } from './route-rule';
import { ruleWorkflowId } from './workflow-ids';

/** Hands the trigger to its gate (starting the gate if none is running for the key). */
export async function signalGate(
  deps: RouteRuleDeps,
  event: StoredEventRow,
  rule: ActiveRule,
  plan: Extract<RoutePlan, { kind: 'gate' }>,
): Promise<RouteOutcome> {
  const flow = rule.ir.flow ?? {};
  const input: GateInput = { rule: rule.name, ...(plan.key !== undefined ? { key: plan.key } : {}), flow };
  await deps.client.workflow.signalWithStart(GATE_WORKFLOW_TYPE, {
    taskQueue: deps.taskQueue,
    workflowId: plan.workflowId,
    args: [input],
    signal: gateTriggerSignal,
    signalArgs: [plan.trigger],
  });
  await deps.onStarted?.({ eventId: event.id, rule: rule.name, workflowId: plan.workflowId });
  return {
    rule: rule.name,
    outcome: plan.outcome,
    workflowId: plan.workflowId,
    detail: HELD_DETAIL[plan.outcome],
  };
}

const HELD_DETAIL: Record<'debounced' | 'batched' | 'throttled', string> = {
  debounced: 'in a burst: the run starts once the burst settles',
  batched: 'in a batch: the run starts once the batch is full or its time is up',
  throttled: 'held by the throttle: the run starts as soon as the period allows',
};

/** The deps of the gate's activities: those of routing. */
export type GateActivityDeps = RouteRuleDeps;

/** `startGatedRun`, as the worker registers it next to the engine's other activities. */
export function createGateActivities(deps: GateActivityDeps): GateActivities {
  return {
    async startGatedRun(input) {
      const ids = input.events.map((t) => t.event.id);
      if (!ids.includes(input.event.event.id)) ids.push(input.event.event.id);
      const { rows } = await deps.db.query<{ event_id: string; outcome: string; run_id: string | null }>(
        `SELECT event_id, outcome, run_id FROM event_outcomes WHERE rule_name = $1 AND event_id = ANY($2::text[])`,
        [input.rule, ids],
      );
      const done = new Map(
        rows.filter((r) => r.run_id !== null || r.outcome === 'limited').map((r) => [r.event_id, r]),
      );
      const own = done.get(input.event.event.id);
      if (own) return { outcome: own.outcome, ...(own.run_id ? { runId: own.run_id } : {}) };
      const events = input.events.filter((t) => !done.has(t.event.id));
      const others = events.filter((t) => t.event.id !== input.event.event.id).map((t) => t.event.id);
      if (input.outcome === 'limited') {
        await record(deps, input, { outcome: 'limited', detail: 'dropped by the limit' }, others);
        return { outcome: 'limited' };
      }
      const rule = await ruleVersion(deps, input.rule, input.event.version);
      const eventId = input.event.event.id;
      // The id the router computed from the key's value; from its text for a trigger routed before.
      const workflowId =
        input.event.runWorkflowId ??
        ruleWorkflowId(input.rule, input.key, rule.concurrency === 'parallel' ? eventId : undefined);
      const runInput: RunInput = {
        rule,
        version: input.event.version,
        trigger: { kind: 'event', event: input.event.event },
        ...(input.key !== undefined ? { key: input.key } : {}),
        causalDepth: input.event.event.causalDepth ?? 0,
        ...(input.merged ? { events: events.map((t) => t.event) } : {}),
        ...(input.event.previous !== undefined ? { previous: input.event.previous } : {}),
      };
      const info = Context.current().info;
      // A retry may follow a start that reached Temporal: look for it (by the memo) first.
      const since = info.attempt > 1 ? new Date(info.scheduledTimestampMs - 1000) : undefined;
      const result = await startRun(deps, eventId, workflowId, runInput, since);
      const outcome =
        result.outcome === 'started' && input.outcome === 'throttled'
          ? {
              ...result,
              outcome: 'throttled' as const,
              detail: `held by the throttle, then started run ${result.runId ?? ''}`,
            }
          : result;
      await deps.onStarted?.({ eventId, rule: input.rule, workflowId });
      await record(deps, input, { ...outcome, workflowId }, others);
      return { outcome: outcome.outcome, ...(outcome.runId ? { runId: outcome.runId } : {}) };
    },
  };
}

/** The IR of one rule version (the version the run's trigger was routed under). */
async function ruleVersion(deps: GateActivityDeps, rule: string, version: number): Promise<RuleIR> {
  const { rows } = await deps.db.query<{ ir: RuleIR }>(
    'SELECT ir FROM rule_versions WHERE rule_name = $1 AND version = $2',
    [rule, version],
  );
  if (!rows[0]) throw new Error(`rule ${rule} has no version ${version}`);
  return rows[0].ir;
}

/** Records the run's event and the others of its burst or batch, in one statement. */
async function record(
  deps: GateActivityDeps,
  input: StartGatedRunInput,
  result: Omit<RouteOutcome, 'rule'>,
  others: readonly string[],
): Promise<void> {
  const run = result.runId ?? null;
  const eventId = input.event.event.id;
  const rows = [
    {
      event_id: eventId,
      outcome: result.outcome,
      workflow_id: result.workflowId ?? input.gateWorkflowId,
      run_id: run,
      detail: result.detail ?? null,
    },
    ...others.map((id) => ({
      event_id: id,
      outcome: input.merged ?? 'debounced',
      workflow_id: result.workflowId ?? input.gateWorkflowId,
      run_id: run,
      detail: `merged into the run of event ${eventId}${run ? ` (${run})` : ''}`,
    })),
  ];
  await deps.db.query(
    `INSERT INTO event_outcomes (event_id, rule_name, rule_version, outcome, workflow_id, run_id, detail)
       SELECT o.event_id, $2, $3, o.outcome, o.workflow_id, o.run_id, o.detail
         FROM jsonb_to_recordset($1::jsonb) AS o(event_id text, outcome text, workflow_id text, run_id text, detail text)
     ON CONFLICT (event_id, rule_name) DO UPDATE
       SET outcome = EXCLUDED.outcome, workflow_id = EXCLUDED.workflow_id, run_id = EXCLUDED.run_id,
           detail = EXCLUDED.detail, at = now()`,
    [JSON.stringify(rows), input.rule, input.event.version],
  );
}
