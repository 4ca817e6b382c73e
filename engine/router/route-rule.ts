/**
 * Routing one stored event to one rule: guard and key (`planRoute`), then the concurrency mode
 * mapped onto Temporal (`startPlanned`). `route-batch.ts` writes the outcome row before anything
 * reaches Temporal ('starting') and finishes it after, so routing the same pair again (after a
 * crash) knows a start may already have happened and looks for its own run (by the event id in
 * the run's memo) instead of starting a second one.
 */
import {
  type EvalContext,
  EvalError,
  type EvalScope,
  evaluateCondition,
  explainGuard,
  formatExplanation,
  type Value,
} from '../../dsl/runtime';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { RunInput } from '../../workflows/contract';
import { toRunEvent, type StoredEventRow } from '../ingest/stored-event';
import type { RouteTarget } from '../registry/active-rules';
import type { ActiveRule } from '../registry/records';
import { needsGate } from '../../workflows/gate-logic';
import type { GateTriggerInput } from '../../workflows/gate-contract';
import { routerLimit, stateKey, type FlowBatch } from './flow-batch';
import type { RouteOutcome, RouteOutcomeKind, RouteRuleDeps } from './route-types';
import { Starter } from './starter';
import type { WindowSource } from './windows';
import { gateWorkflowId, keyText, legacyWorkflowId, ruleWorkflowId } from './workflow-ids';

export type { RouteOutcome, RouteOutcomeKind, RouteRuleDeps } from './route-types';

/** An `event_outcomes` row as routing reads it back. */
export interface OutcomeRow {
  readonly outcome: RouteOutcomeKind | 'starting';
  /** When the row was last written: for 'starting', when the earlier attempt began. */
  readonly at: Date;
  readonly workflow_id: string | null;
  readonly run_id: string | null;
  readonly detail: string | null;
}

/**
 * What routing decided for one (event, rule) before anything reaches Temporal: a final outcome
 * (recorded already, or to record), or a run to start. `resumedFrom` says an earlier attempt wrote
 * 'starting' and may have reached Temporal, so its run is looked for before starting one.
 */
export type RoutePlan =
  | { readonly kind: 'final'; readonly outcome: RouteOutcome; readonly recorded: boolean }
  | {
      readonly kind: 'start';
      readonly workflowId: string;
      /**
       * The id the same trigger had before ids were made injective, when it differs: a run going on
       * under it (started before the upgrade) is the key's run still.
       */
      readonly legacyWorkflowId?: string;
      readonly input: RunInput;
      /** When the earlier attempt that may have reached Temporal began; absent for a first attempt. */
      readonly resumedFrom?: Date;
    }
  | {
      /** v2 flow control (`debounce`, `batch`, `throttle`): the trigger goes to the key's gate. */
      readonly kind: 'gate';
      readonly workflowId: string;
      readonly key?: string;
      readonly trigger: GateTriggerInput;
      /** What the trigger is recorded as until the gate starts its run. */
      readonly outcome: 'debounced' | 'batched' | 'throttled';
      readonly resumedFrom?: Date;
    };

/** The detail of a held trigger. */
export const PAUSED_DETAIL = 'held: the rule is paused; routed when it is resumed';

/** What guards and keys see of one event: built once per event, shared by its rules. */
export interface EventScope {
  readonly scope: EvalScope;
  readonly ctx: EvalContext;
}

/** The scope of `event` for its rules' guards and keys. */
export function eventScope(event: StoredEventRow): EventScope {
  return { scope: { event: event.data as Value }, ctx: { now: () => Date.now() } };
}

/**
 * Plans routing `event` to `target` (a rule with its guard and key in their fast form), given the
 * outcome row an earlier attempt left (if any).
 */
export function planRoute(
  event: StoredEventRow,
  target: RouteTarget,
  seen: EventScope,
  previous: OutcomeRow | undefined,
  flow?: FlowBatch,
): RoutePlan {
  const { rule } = target;
  // A trigger held while the rule was paused is routed now that it is not (`releaseHeld`, or the
  // event routed again): like a 'starting' row, its run may exist already, so it is looked for.
  const released = previous?.outcome === 'paused' && !rule.paused;
  if (previous && previous.outcome !== 'starting' && !released)
    return { kind: 'final', outcome: fromRow(rule.name, previous), recorded: true };
  if (rule.paused) {
    // Held as it is: guard and key are evaluated on release, against the version current then.
    return {
      kind: 'final',
      outcome: { rule: rule.name, outcome: 'paused', detail: PAUSED_DETAIL },
      recorded: false,
    };
  }
  const { ir } = rule;
  // `previous` is the key's last trigger whatever its guard says, so it is taken before the guard.
  const stateKeyText = ir.usesPrevious || ir.flow ? stateKey(ir, event) : undefined;
  const prior =
    ir.usesPrevious && flow && stateKeyText !== undefined
      ? flow.takePrevious(rule.name, stateKeyText, event)
      : null;
  const scoped: EventScope = {
    scope: ir.usesPrevious ? { ...seen.scope, previous: (prior?.data ?? null) as Value } : seen.scope,
    ctx: withWindows(seen.ctx, flow?.windowsFor(event.id, rule.name), event),
  };
  const decided = decide(event, target, scoped);
  if ('outcome' in decided) return { kind: 'final', outcome: decided, recorded: false };
  const { workflowId, legacyWorkflowId, key, gateId } = decided;
  const resumed = previous ? { resumedFrom: previous.at } : {};
  const limit = routerLimit(ir.flow);
  if (limit && flow && stateKeyText !== undefined) {
    const verdict = flow.takeLimit(rule.name, stateKeyText, event, limit);
    if (!verdict.admitted) {
      return {
        kind: 'final',
        outcome: { rule: rule.name, outcome: 'limited', detail: verdict.detail },
        recorded: false,
      };
    }
  }
  const runEvent = toRunEvent(event);
  if (needsGate(ir.flow)) {
    const trigger: GateTriggerInput = {
      event: runEvent,
      version: rule.version,
      runWorkflowId: workflowId,
      ...(ir.usesPrevious ? { previous: prior } : {}),
    };
    const outcome = ir.flow?.debounce ? 'debounced' : ir.flow?.batch ? 'batched' : 'throttled';
    return {
      kind: 'gate',
      workflowId: gateId,
      ...(key !== undefined ? { key } : {}),
      trigger,
      outcome,
      ...resumed,
    };
  }
  const input: RunInput = {
    rule: ir,
    version: rule.version,
    trigger: { kind: 'event', event: runEvent },
    ...(key !== undefined ? { key } : {}),
    causalDepth: event.causal_depth,
    ...(ir.usesPrevious ? { previous: prior } : {}),
  };
  return {
    kind: 'start',
    workflowId,
    ...(legacyWorkflowId !== undefined ? { legacyWorkflowId } : {}),
    input,
    ...resumed,
  };
}

/**
 * The guard's context, with the windows read for it (the evaluator's `WindowSource`). A guard's
 * windows end at the trigger's time (LANGUAGE.md §10), and the evaluator takes a window's end
 * from `now()`: in a guard that reads windows, `now()` is the trigger's time.
 */
function withWindows(
  ctx: EvalContext,
  windows: WindowSource | undefined,
  event: StoredEventRow,
): EvalContext {
  if (!windows) return ctx;
  const time = event.time.getTime();
  return { ...ctx, now: () => time, windows } as EvalContext;
}

/**
 * Starts the run of `input` for `eventId` by the rule's concurrency mode, or finds the run an
 * earlier attempt begun at `resumedFrom` started (the gate's start activity uses it).
 */
export async function startRun(
  deps: RouteRuleDeps,
  eventId: string,
  workflowId: string,
  input: RunInput,
  resumedFrom?: Date,
): Promise<Omit<RouteOutcome, 'rule'>> {
  const starter = new Starter(deps, eventId, workflowId, input);
  const own = resumedFrom ? await starter.findOwnRun(resumedFrom) : undefined;
  return own ?? (await starter.run(input.rule.concurrency));
}

/**
 * Carries out a `start` plan: finds the run of an earlier attempt, or starts/signals one
 * according to the concurrency mode. Throws only when Temporal fails (the event is retried).
 */
export async function startPlanned(
  deps: RouteRuleDeps,
  event: StoredEventRow,
  rule: ActiveRule,
  plan: Extract<RoutePlan, { kind: 'start' }>,
): Promise<RouteOutcome> {
  const starterOf = (workflowId: string) => new Starter(deps, event.id, workflowId, plan.input);
  const ids =
    plan.legacyWorkflowId === undefined ? [plan.workflowId] : [plan.workflowId, plan.legacyWorkflowId];
  let found: { id: string; result: Omit<RouteOutcome, 'rule'> } | undefined;
  // An earlier attempt (perhaps of a version that named runs the old way) may have started it.
  for (const id of plan.resumedFrom ? ids : []) {
    const own = await starterOf(id).findOwnRun(plan.resumedFrom);
    if (own) {
      found = { id, result: own };
      break;
    }
  }
  if (!found) {
    const id =
      plan.legacyWorkflowId !== undefined &&
      rule.ir.concurrency !== 'parallel' &&
      (await isRunning(deps.client, plan.legacyWorkflowId))
        ? plan.legacyWorkflowId
        : plan.workflowId;
    found = { id, result: await starterOf(id).run(rule.ir.concurrency) };
  }
  await deps.onStarted?.({ eventId: event.id, rule: rule.name, workflowId: found.id });
  return { rule: rule.name, ...found.result, workflowId: found.id };
}

/** Is a run going on under `workflowId`? */
async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** Guard and key: either a final outcome (skipped, error) or where the run goes. */
function decide(
  event: StoredEventRow,
  { rule, guard, key: keyOf }: RouteTarget,
  { scope, ctx }: EventScope,
): RouteOutcome | { workflowId: string; legacyWorkflowId?: string; key?: string; gateId: string } {
  try {
    // A guard without a fast form (it reads windows) runs on the evaluator.
    const condition = rule.ir.guard;
    const holds = condition ? (guard ? guard(scope, ctx) : evaluateCondition(condition, scope, ctx)) : true;
    if (condition && !holds) {
      return {
        rule: rule.name,
        outcome: 'skipped',
        detail: formatExplanation(explainGuard(condition, scope, ctx)),
      };
    }
    const keyValue = keyOf ? keyOf(scope, ctx) : undefined;
    const key = keyValue === undefined ? undefined : keyText(keyValue);
    const eventId = rule.ir.concurrency === 'parallel' ? event.id : undefined;
    const workflowId = ruleWorkflowId(rule.name, keyValue, eventId);
    const legacy = legacyWorkflowId(rule.name, keyValue, eventId);
    return {
      workflowId,
      ...(legacy !== workflowId ? { legacyWorkflowId: legacy } : {}),
      ...(key !== undefined ? { key } : {}),
      gateId: gateWorkflowId(rule.name, keyValue),
    };
  } catch (err) {
    // An expression that fails on this event fails the same way every time: record it, do not retry.
    if (err instanceof EvalError) return { rule: rule.name, outcome: 'error', detail: err.message };
    throw err;
  }
}

function fromRow(rule: string, row: OutcomeRow): RouteOutcome {
  return {
    rule,
    outcome: row.outcome as RouteOutcomeKind,
    ...(row.workflow_id ? { workflowId: row.workflow_id } : {}),
    ...(row.run_id ? { runId: row.run_id } : {}),
    ...(row.detail ? { detail: row.detail } : {}),
  };
}
