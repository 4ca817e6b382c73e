/**
 * Routing one stored event to one rule: guard and key (`planRoute`), then the concurrency mode
 * mapped onto Temporal (`startPlanned`). `route-batch.ts` writes the outcome row before anything
 * reaches Temporal ('starting') and finishes it after, so routing the same pair again (after a
 * crash) knows a start may already have happened and looks for its own run (by the event id in
 * the run's memo) instead of starting a second one.
 */
import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import {
  type EvalContext,
  EvalError,
  type EvalScope,
  evaluateCondition,
  explainGuard,
  formatExplanation,
  type Value,
} from '../../dsl/runtime';
import {
  enqueueSignal,
  INTERPRETER_WORKFLOW_TYPE,
  type RunInput,
  type RunTrigger,
} from '../../workflows/contract';
import type { Sql } from '../db/sql';
import { toRunEvent, type StoredEventRow } from '../ingest/stored-event';
import type { RouteTarget } from '../registry/active-rules';
import type { ActiveRule } from '../registry/records';
import { needsGate } from '../../workflows/gate-logic';
import type { GateTriggerInput } from '../../workflows/gate-contract';
import { routerLimit, stateKey, type FlowBatch } from './flow-batch';
import { findQueuedRun } from './queue-recovery';
import { startMemo, startSearchAttributes } from './run-attributes';
import type { WindowSource } from './windows';
import { EVENT_ID_MEMO, gateWorkflowId, keyText, legacyWorkflowId, ruleWorkflowId } from './workflow-ids';

/** What routing did for one (event, rule); `paused`: held until the rule is resumed. */
export type RouteOutcomeKind =
  | 'started'
  | 'skipped'
  | 'dropped'
  | 'queued'
  | 'replaced'
  | 'error'
  | 'paused'
  | 'debounced'
  | 'batched'
  | 'throttled'
  | 'limited';

export interface RouteOutcome {
  readonly rule: string;
  readonly outcome: RouteOutcomeKind;
  readonly workflowId?: string;
  readonly runId?: string;
  /** The guard's explanation (`skipped`), the evaluation error (`error`), or the run dropped for. */
  readonly detail?: string;
}

export interface RouteRuleDeps {
  readonly db: Sql;
  readonly client: Client;
  readonly taskQueue: string;
  /** How long `replace` waits for the cancelled run to finish (compensation) before terminating it. */
  readonly replaceGraceMs: number;
  /** Called once a run was started or signalled, before the outcome is recorded (tests, metrics). */
  readonly onStarted?: (info: { eventId: string; rule: string; workflowId: string }) => Promise<void> | void;
}

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
  const { workflowId, legacyWorkflowId, key } = decided;
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
      ...(ir.usesPrevious ? { previous: prior } : {}),
    };
    const outcome = ir.flow?.debounce ? 'debounced' : ir.flow?.batch ? 'batched' : 'throttled';
    return {
      kind: 'gate',
      workflowId: gateWorkflowId(rule.name, key),
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
): RouteOutcome | { workflowId: string; legacyWorkflowId?: string; key?: string } {
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
    };
  } catch (err) {
    // An expression that fails on this event fails the same way every time: record it, do not retry.
    if (err instanceof EvalError) return { rule: rule.name, outcome: 'error', detail: err.message };
    throw err;
  }
}

/** Starts or signals the run of one (event, rule) according to the concurrency mode. */
class Starter {
  constructor(
    private readonly deps: RouteRuleDeps,
    private readonly eventId: string,
    private readonly workflowId: string,
    private readonly input: RunInput,
  ) {}

  async run(mode: ActiveRule['ir']['concurrency']): Promise<Omit<RouteOutcome, 'rule'>> {
    switch (mode) {
      case 'parallel':
        return this.startParallel();
      case 'queue':
        return this.enqueue();
      case 'replace':
        return this.startOrReplace();
      default:
        return this.startSingle();
    }
  }

  /**
   * Our run if an earlier attempt (begun at `since`) started it (the memo carries the event id)
   * or, for `queue`, put the event into a run of the key, else undefined.
   */
  async findOwnRun(since?: Date): Promise<Omit<RouteOutcome, 'rule'> | undefined> {
    if (since && this.input.rule.concurrency === 'queue') {
      const queued = await findQueuedRun(this.deps.client, this.workflowId, this.eventId, since);
      if (queued) return { outcome: queued.started ? 'started' : 'queued', runId: queued.runId };
      return undefined;
    }
    try {
      const description = await this.deps.client.workflow.getHandle(this.workflowId).describe();
      if (description.memo?.[EVENT_ID_MEMO] === this.eventId)
        return { outcome: 'started', runId: description.runId };
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    return undefined;
  }

  private start(
    conflict: 'FAIL' | 'USE_EXISTING' | 'TERMINATE_EXISTING',
    reuse: 'ALLOW_DUPLICATE' | 'REJECT_DUPLICATE',
  ): Promise<WorkflowHandleWithFirstExecutionRunId> {
    return this.deps.client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
      taskQueue: this.deps.taskQueue,
      workflowId: this.workflowId,
      args: [this.input],
      memo: startMemo(this.input, { [EVENT_ID_MEMO]: this.eventId }),
      typedSearchAttributes: startSearchAttributes(this.input),
      workflowIdConflictPolicy: conflict,
      workflowIdReusePolicy: reuse,
    });
  }

  /** `parallel`: the id holds the event id, so a second start of the same event is refused by Temporal. */
  private async startParallel(): Promise<Omit<RouteOutcome, 'rule'>> {
    try {
      const handle = await this.start('USE_EXISTING', 'REJECT_DUPLICATE');
      return { outcome: 'started', runId: handle.firstExecutionRunId };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      return (await this.findOwnRun()) ?? { outcome: 'started' };
    }
  }

  /** `single`: a run already going on for the key keeps going; this trigger is dropped. */
  private async startSingle(): Promise<Omit<RouteOutcome, 'rule'>> {
    // The run in the way may end between the refused start and the describe: then start again.
    for (let attempt = 1; ; attempt++) {
      try {
        const handle = await this.start('FAIL', 'ALLOW_DUPLICATE');
        return { outcome: 'started', runId: handle.firstExecutionRunId };
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      const running = await this.deps.client.workflow.getHandle(this.workflowId).describe();
      if (running.memo?.[EVENT_ID_MEMO] === this.eventId) return { outcome: 'started', runId: running.runId };
      if (running.status.name === 'RUNNING' || attempt >= 3) {
        return {
          outcome: 'dropped',
          runId: running.runId,
          detail: `a run for this key is going on: ${running.runId}`,
        };
      }
    }
  }

  /** `replace`: cancel the run going on for the key (it compensates), then start this one. */
  private async startOrReplace(): Promise<Omit<RouteOutcome, 'rule'>> {
    try {
      const handle = await this.start('FAIL', 'ALLOW_DUPLICATE');
      return { outcome: 'started', runId: handle.firstExecutionRunId };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    const running = this.deps.client.workflow.getHandle(this.workflowId);
    const description = await running.describe();
    if (description.memo?.[EVENT_ID_MEMO] === this.eventId)
      return { outcome: 'started', runId: description.runId };
    const old = this.deps.client.workflow.getHandle(this.workflowId, description.runId);
    await old.cancel();
    // Let the old run finish its compensation; one that takes longer than the grace is terminated
    // by the start below (a run id holds one running execution at most).
    await Promise.race([old.result().catch(() => undefined), delay(this.deps.replaceGraceMs)]);
    const handle = await this.start('TERMINATE_EXISTING', 'ALLOW_DUPLICATE');
    return {
      outcome: 'replaced',
      runId: handle.firstExecutionRunId,
      detail: `replaced run ${description.runId}`,
    };
  }

  /** `queue`: signal-with-start; a run already going on for the key takes it after its current trigger. */
  private async enqueue(): Promise<Omit<RouteOutcome, 'rule'>> {
    const trigger: RunTrigger = this.input.trigger;
    const handle = await this.deps.client.workflow.signalWithStart(INTERPRETER_WORKFLOW_TYPE, {
      taskQueue: this.deps.taskQueue,
      workflowId: this.workflowId,
      args: [this.input],
      memo: startMemo(this.input, { [EVENT_ID_MEMO]: this.eventId }),
      typedSearchAttributes: startSearchAttributes(this.input),
      signal: enqueueSignal,
      signalArgs: [trigger],
    });
    const description = await this.deps.client.workflow
      .getHandle(this.workflowId, handle.signaledRunId)
      .describe();
    return description.memo?.[EVENT_ID_MEMO] === this.eventId
      ? { outcome: 'started', runId: handle.signaledRunId }
      : { outcome: 'queued', runId: handle.signaledRunId };
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
