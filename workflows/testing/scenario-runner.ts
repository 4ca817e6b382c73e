/**
 * Runs a `Scenario` of the example rules on a `Harness` and collects what it did: how it ended,
 * the actions it started, and the histories of all its executions (a run that continued as new
 * has several), for the replay tests.
 */
import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { CancelledFailure } from '@temporalio/common';
import { compileRuleSet, type RuleIR } from '../../dsl';
import { projectRoot } from '../../engine/paths';
import { readRuleSet } from '../../engine/rule-files';
import type { RunInput } from '../contract';
import { approvalSignal, approveUpdate, eventSignal } from '../contract';
import type { ActionMock } from './fake-host';
import { failsForGood } from './fake-host';
import type { Harness, RunHandle } from './harness';
import type { Scenario } from './rule-scenarios';

/** A recorded history file: the execution it comes from and its history as Temporal's JSON. */
export interface HistoryFile {
  readonly scenario: string;
  readonly interpreterVersion: number;
  readonly workflowId: string;
  readonly runId: string;
  /** The history as plain JSON (see `historyToPlain`). */
  readonly history: unknown;
}

/** How a scenario's run ended and the actions it started. */
export interface ScenarioRun {
  readonly status: 'completed' | 'stopped' | 'failed' | 'cancelled';
  readonly calls: readonly string[];
  readonly handle: RunHandle;
}

/** The example rule set in `rules/`, compiled; throws when it does not compile. */
export function exampleRules(): Record<string, RuleIR> {
  const read = readRuleSet(['rules'], projectRoot());
  const compiled = compileRuleSet(read.files);
  if (compiled.rules.length === 0 || read.diagnostics.length > 0) {
    throw new Error(`rules/ does not compile: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
  }
  return Object.fromEntries(compiled.rules.map((r) => [r.name, r]));
}

function mockOf(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && '$fail' in value) {
    return failsForGood(String((value as { $fail: unknown }).$fail));
  }
  return value;
}

/** Runs `scenario` to its end under `workflowId`. */
export async function runScenario(
  h: Harness,
  rules: Record<string, RuleIR>,
  scenario: Scenario,
  workflowId: string,
): Promise<ScenarioRun> {
  const rule = rules[scenario.rule];
  if (!rule) throw new Error(`scenario ${scenario.name}: no rule ${scenario.rule} in rules/`);
  const mocks: Record<string, unknown | ActionMock> = {};
  for (const [action, value] of Object.entries(scenario.mocks ?? {})) mocks[action] = mockOf(value);
  h.host.reset(mocks);
  // v2: the event log windows in `do` read, back from the run's start.
  const start = await h.env.currentTimeMs();
  h.host.log = (scenario.log ?? []).map((e) => ({ type: e.type, data: e.data, time: start - e.agoMs }));
  const input: RunInput = {
    rule,
    trigger: scenario.trigger,
    ...(scenario.historyEventLimit !== undefined ? { historyEventLimit: scenario.historyEventLimit } : {}),
  };
  const started = h.start(input, workflowId);
  // As the engine does: a subscribing wait receives the matching events stored so far.
  h.host.onSubscribe = async (subscription) => {
    const handle = await started;
    for (const event of scenario.stored ?? []) {
      if (event.type === subscription.event) await handle.signal(eventSignal, event);
    }
  };
  const handle = await started;
  for (const step of scenario.steps ?? []) {
    await h.env.sleep(step.afterMs);
    if ('event' in step) await handle.signal(eventSignal, step.event);
    else if (step.via === 'update') await handle.executeUpdate(approveUpdate, { args: [step.approve] });
    else await handle.signal(approvalSignal, step.approve);
  }
  let status: ScenarioRun['status'];
  try {
    status = (await handle.result()).status;
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    status = cause instanceof CancelledFailure ? 'cancelled' : 'failed';
  }
  return { status, calls: h.host.actions(), handle };
}

/** The histories of every execution of the run, first to last (following continue-as-new). */
export async function executionHistories(
  h: Harness,
  handle: RunHandle,
): Promise<{ runId: string; history: History }[]> {
  const out: { runId: string; history: History }[] = [];
  let runId: string | undefined = handle.firstExecutionRunId;
  while (runId) {
    const history: History = await h.env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    out.push({ runId, history });
    const events = history.events ?? [];
    const last = events[events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return out;
}

/** The file contents for one execution's history. */
export function historyFile(
  scenario: string,
  interpreterVersion: number,
  workflowId: string,
  runId: string,
  history: History,
): HistoryFile {
  return {
    scenario,
    interpreterVersion,
    workflowId,
    runId,
    history: historyToPlain(history),
  };
}

const HistoryProto = temporal.api.history.v1.History;

/**
 * A history as plain JSON: protobufjs' object form with 64-bit numbers, enums and bytes as strings.
 * Not Temporal's proto3 JSON (`historyToJSON`): in this install `@temporalio/common` and
 * `@temporalio/proto` each carry their own copy of protobufjs 8, and `historyToJSON` /
 * `historyFromJSON` fail with "type must be a Type"; the generated classes' own
 * `toObject`/`fromObject` do not depend on that.
 */
export function historyToPlain(history: History): unknown {
  return HistoryProto.toObject(HistoryProto.fromObject(history), {
    longs: String,
    enums: String,
    bytes: String,
  });
}

/** Reads a history written by `historyToPlain`. */
export function historyFromPlain(plain: unknown): History {
  return HistoryProto.fromObject(plain as Record<string, unknown>);
}
