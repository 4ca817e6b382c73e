/**
 * `opsflow test` v2 (LANGUAGE.md §14): a test with several `triggers`, a `history`, or a rule
 * using v2 constructs is played as the engine would route it, on the time-skipping server.
 *
 * The test keeps an event log (history before the first trigger, then each trigger and timeline
 * event as its time comes). Each trigger is stored, then routed: key, `previous` (the last event
 * of the type routed to the rule with the same key), guard (windows over the log up to the
 * trigger's time), flow control (`flow-gate.ts`), then `concurrency` against the runs of its key.
 * Timeline events are stored and delivered to every run still going, where `wait for`, `wait for
 * first` and `cancel on` see them; windows in `do` read the log through the host.
 *
 * Decisions: timeline events are not routed as triggers (`triggers` says what triggers); a
 * `queue` trigger that joins a running run is `queued` and is not counted as a run of its own.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  EvalError,
  evaluate,
  evaluateCondition,
  explainGuard,
  formatExplanation,
  listWindowSource,
  type TypedWindowEvent,
  type Value,
} from '../../dsl/runtime';
import {
  approvalSignal,
  enqueueSignal,
  eventSignal,
  INTERPRETER_WORKFLOW_TYPE,
  type RunEvent,
  type RunInput,
} from '../../workflows/contract';
import type { ActualStatus } from './expectations';
import { createFlowGate, type GateDecision, type GateTrigger } from './flow-gate';
import type { PreparedTest } from './prepare';
import type { RuleTestHost, StartedCall } from './test-host';

/** How a v2 test went: every run's status (in start order), the outcomes, every call. */
export interface ScenarioOutcome {
  readonly statuses: readonly ActualStatus[];
  readonly messages: readonly (string | undefined)[];
  readonly outcomes: Readonly<Record<string, number>>;
  readonly calls: readonly StartedCall[];
  /** The guard's explanation of the last skipped trigger. */
  readonly skipped?: string;
}

/** How one run ended, or that it is still going. */
export type RunEnd = (handle: WorkflowHandle) => Promise<{ status: ActualStatus; message?: string }>;

interface Happening {
  readonly at: number;
  readonly order: number;
  readonly kind: 'trigger' | 'timeline';
  readonly index: number;
}

interface StartedRun {
  readonly workflowId: string;
  readonly handle: WorkflowHandle;
  readonly key: string;
}

/** Whether a test goes through this runner rather than the single-run one. */
export function isScenario(prepared: PreparedTest): boolean {
  const { test, rule } = prepared;
  return test.triggers !== undefined || test.history.length > 0 || rule.irVersion === 2;
}

/** Plays the test; see the file comment. */
export async function runScenario(
  env: TestWorkflowEnvironment,
  host: RuleTestHost,
  prepared: PreparedTest,
  idBase: string,
  taskQueue: string,
  end: RunEnd,
): Promise<ScenarioOutcome> {
  const { test, rule } = prepared;
  // A single `trigger:` of a v2 rule is the first and only trigger.
  const triggers =
    prepared.triggers ??
    (prepared.trigger.kind === 'event'
      ? [{ type: prepared.trigger.type, data: prepared.trigger.data, afterMs: 0 }]
      : []);
  const t0 = await env.currentTimeMs();
  const log: TypedWindowEvent[] = prepared.history.map((h) => ({
    type: h.type,
    data: h.data,
    time: t0 - h.agoMs,
  }));
  const runs: StartedRun[] = [];
  const outcomes: Record<string, number> = {};
  const count = (outcome: string): void => {
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  };
  let skipped: string | undefined;
  const register = (workflowId: string): void => host.register(workflowId, test.mocks, log);

  // `previous` per key, from the history of the trigger type first.
  const previous = new Map<string, Value>();
  const keyOf = (data: Record<string, unknown>, at: number): string => {
    if (!rule.key) return '';
    const v = evaluate(rule.key, { event: data as Value }, { now: () => at });
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
  if (rule.trigger.kind === 'event') {
    const type = rule.trigger.event;
    for (const e of [...log].sort((a, b) => a.time - b.time)) {
      if (e.type !== type) continue;
      try {
        previous.set(keyOf(e.data as Record<string, unknown>, e.time), e.data as Value);
      } catch {
        // a history event without a usable key is nobody's previous
      }
    }
  }

  const happenings: Happening[] = [];
  let at = t0;
  triggers.forEach((t, index) => {
    at += t.afterMs;
    happenings.push({ at, order: happenings.length, kind: 'trigger', index });
  });
  at = t0;
  test.timeline.forEach((item, index) => {
    at += item.afterMs;
    happenings.push({ at, order: happenings.length, kind: 'timeline', index });
  });
  happenings.sort((a, b) => a.at - b.at || a.order - b.order);

  const gate = createFlowGate<{ event: RunEvent; previous: Value }>(rule.flow);
  const eventOf = new Map<string, RunEvent>();

  const startRun = async (
    key: string,
    trigger: RunEvent,
    prev: Value,
    events: readonly RunEvent[],
  ): Promise<string> => {
    const mode = rule.concurrency;
    const own = runs.filter((r) => r.key === key);
    const going = await firstRunning(own);
    const workflowId = `${idBase}-r${runs.length + 1}`;
    const input: RunInput = {
      rule,
      trigger: { kind: 'event', event: trigger },
      causalDepth: 0,
      ...(rule.key ? { key } : {}),
      ...(rule.flow?.debounce || rule.flow?.batch || rule.usesEvents ? { events } : {}),
      ...(rule.usesPrevious
        ? { previous: prev === null ? null : { ...trigger, data: prev as Record<string, unknown> } }
        : {}),
    };
    if (going && mode === 'single') return 'dropped';
    if (going && mode === 'queue') {
      await going.handle.signal(enqueueSignal, input.trigger).catch(() => undefined);
      return 'queued';
    }
    let outcome = 'started';
    if (going && mode === 'replace') {
      await going.handle.cancel().catch(() => undefined);
      await end(going.handle);
      outcome = 'replaced';
    }
    register(workflowId);
    const handle: WorkflowHandle = await env.client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
      taskQueue,
      workflowId,
      args: [input],
    });
    runs.push({ workflowId, handle, key });
    return outcome;
  };

  const apply = async (decisions: GateDecision<{ event: RunEvent; previous: Value }>[]): Promise<void> => {
    for (const d of decisions) {
      if (d.kind === 'outcome') {
        count(d.outcome);
        continue;
      }
      const outcome = await startRun(
        d.key,
        d.trigger.event.event,
        d.trigger.event.previous,
        d.events.map((e) => e.event.event),
      );
      count(d.held && outcome === 'started' ? 'throttled' : outcome);
    }
  };

  const route = async (index: number, now: number): Promise<void> => {
    const t = triggers[index];
    const event: RunEvent = {
      id: `${idBase}-e${index + 1}`,
      type: t.type,
      time: new Date(now).toISOString(),
      data: t.data,
    };
    log.push({ type: t.type, data: t.data, time: now });
    eventOf.set(event.id, event);
    let key: string;
    try {
      key = keyOf(t.data, now);
    } catch (err) {
      count('error');
      skipped = `the key failed: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    const prev = previous.get(key) ?? null;
    previous.set(key, t.data as Value);
    if (rule.guard) {
      const scope = { event: t.data as Value, ...(rule.usesPrevious ? { previous: prev } : {}) };
      const ctx = { now: () => now, windows: listWindowSource(log.filter((e) => e.time <= now)) };
      try {
        if (!evaluateCondition(rule.guard, scope, ctx)) {
          count('skipped');
          skipped = formatExplanation(explainGuard(rule.guard, scope, ctx)).trim();
          return;
        }
      } catch (err) {
        count('error');
        skipped = `the guard failed: ${err instanceof EvalError ? err.describe() : String(err)}`;
        return;
      }
    }
    const trigger: GateTrigger<{ event: RunEvent; previous: Value }> = {
      id: event.id,
      at: now,
      event: { event, previous: prev },
    };
    await apply(gate.trigger(key, trigger));
  };

  const deliver = async (index: number, now: number): Promise<void> => {
    const item = test.timeline[index];
    const iso = new Date(now).toISOString();
    const targets = await stillRunning(runs);
    if (item.kind === 'event') {
      const data = prepared.timelineData[index] ?? item.data;
      log.push({ type: item.event, data, time: now });
      for (const r of targets) {
        await r.handle
          .signal(eventSignal, { id: `${idBase}-t${index + 1}`, type: item.event, time: iso, data })
          .catch(() => undefined);
      }
    } else {
      for (const r of targets) {
        await r.handle
          .signal(approvalSignal, {
            approved: item.approved,
            by: item.by ?? 'opsflow test',
            comment: item.comment,
            at: iso,
          })
          .catch(() => undefined);
      }
    }
  };

  // A rule without an event trigger (schedule, manual) runs once, at the start, over the history.
  if (prepared.trigger.kind !== 'event') {
    const workflowId = `${idBase}-r1`;
    register(workflowId);
    const iso = new Date(t0).toISOString();
    const trigger =
      prepared.trigger.kind === 'schedule'
        ? { kind: 'schedule' as const, scheduledAt: iso }
        : prepared.trigger;
    const handle: WorkflowHandle = await env.client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
      taskQueue,
      workflowId,
      args: [{ rule, trigger, causalDepth: 0 } satisfies RunInput],
    });
    runs.push({ workflowId, handle, key: '' });
  }
  let now = t0;
  for (;;) {
    const next = happenings[0];
    const due = gate.nextDue();
    const when = Math.min(next?.at ?? Infinity, due ?? Infinity);
    if (when === Infinity) break;
    if (when > now) {
      await env.sleep(when - now);
      now = when;
    }
    if (due !== undefined && due <= now && (next === undefined || due <= next.at)) {
      await apply(gate.due(now));
      continue;
    }
    happenings.shift();
    if (next.kind === 'trigger') await route(next.index, now);
    else await deliver(next.index, now);
  }

  const statuses: ActualStatus[] = [];
  const messages: (string | undefined)[] = [];
  for (const r of runs) {
    const ended = await end(r.handle);
    statuses.push(ended.status);
    messages.push(ended.message);
  }
  const calls = runs.flatMap((r) => host.calls(r.workflowId)).sort((a, b) => a.seq - b.seq);
  return { statuses, messages, outcomes, calls, ...(skipped !== undefined ? { skipped } : {}) };
}

async function isRunning(handle: WorkflowHandle): Promise<boolean> {
  try {
    return (await handle.describe()).status.name === 'RUNNING';
  } catch {
    return false;
  }
}

async function firstRunning(runs: readonly StartedRun[]): Promise<StartedRun | undefined> {
  for (const r of runs) if (await isRunning(r.handle)) return r;
  return undefined;
}

async function stillRunning(runs: readonly StartedRun[]): Promise<StartedRun[]> {
  const out: StartedRun[] = [];
  for (const r of runs) if (await isRunning(r.handle)) out.push(r);
  return out;
}
