/**
 * Manual runs: an operator starts a rule by hand. A `manual(...)` rule takes typed input, checked
 * against its parameters; an event rule takes an event (its data checked against the schema of
 * the rule's trigger type); a scheduled rule runs as if its schedule fired now. A manual run is
 * always a run of its own (it does not take part in the rule's concurrency mode) and its event is
 * not stored: it is a test of the rule, not a fact.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { conformFields, conformValue, isPlainObject, parseTime } from '../../dsl';
import { INTERPRETER_WORKFLOW_TYPE, type RunInput, type RunTrigger } from '../../workflows/contract';
import type { Sql } from '../db/sql';
import { ManualRunError, RuleNotFoundError } from '../errors';
import { ActiveRuleCache } from '../registry/active-rules';
import type { ActiveRule } from '../registry/records';
import { startMemo, startSearchAttributes } from './run-attributes';
import { manualWorkflowId } from './workflow-ids';

export interface ManualRunDeps {
  readonly db: Sql;
  readonly client: Client;
  readonly taskQueue: string;
  readonly rules?: ActiveRuleCache;
}

/** What to start: `input` for `manual(...)` rules, `event` for event rules, nothing for schedules. */
export interface ManualRunRequest {
  readonly rule: string;
  readonly input?: unknown;
  /** The triggering event: `data` is required, `id` and `time` are generated when absent. */
  readonly event?: { readonly id?: string; readonly time?: string; readonly data?: unknown };
  /** Who started it, shown in the run. */
  readonly by?: string;
}

export interface ManualRunStarted {
  readonly workflowId: string;
  readonly runId: string;
  readonly version: number;
}

/**
 * Starts a run of the current version of a rule. Throws `RuleNotFoundError` for a rule that is
 * not deployed, `ManualRunError` (with the failing fields) for a disabled rule or wrong input.
 */
export async function startManualRun(
  deps: ManualRunDeps,
  request: ManualRunRequest,
): Promise<ManualRunStarted> {
  const index = await (deps.rules ?? new ActiveRuleCache(deps.db)).get();
  const rule = index.find(request.rule);
  if (!rule) throw new RuleNotFoundError(request.rule);
  if (!rule.enabled) throw new ManualRunError(`rule ${rule.name} is disabled`);
  const trigger = manualTrigger(rule, request);
  const input: RunInput = {
    rule: rule.ir,
    version: rule.version,
    trigger,
    causalDepth: trigger.kind === 'event' ? (trigger.event.causalDepth ?? 0) : 0,
  };
  const workflowId = manualWorkflowId(rule.name);
  const handle = await deps.client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
    taskQueue: deps.taskQueue,
    workflowId,
    args: [input],
    memo: startMemo(input, { manual: true }),
    typedSearchAttributes: startSearchAttributes(input),
  });
  return { workflowId, runId: handle.firstExecutionRunId, version: rule.version };
}

function manualTrigger(rule: ActiveRule, request: ManualRunRequest): RunTrigger {
  const by = request.by !== undefined ? { by: request.by } : {};
  const trigger = rule.ir.trigger;
  if (trigger.kind === 'manual') {
    const conformed = conformValue(request.input ?? {}, trigger.input);
    if (conformed.problems.length > 0) {
      throw new ManualRunError(`the input does not fit manual(...) of rule ${rule.name}`, conformed.problems);
    }
    return { kind: 'manual', input: conformed.value as Readonly<Record<string, unknown>>, ...by };
  }
  if (trigger.kind === 'schedule') return { kind: 'schedule', scheduledAt: new Date().toISOString() };
  const event = request.event;
  if (!isPlainObject(event)) {
    // The body is well formed for another kind of rule: the rule's current trigger is what
    // refuses it (409, like a disabled rule), not the body.
    throw new ManualRunError(
      `rule ${rule.name} runs on ${trigger.event}: start it with {"event": {"data": {...}}}, not with input`,
    );
  }
  const schema = rule.ir.events.find((e) => e.name === trigger.event);
  const conformed = conformFields(event.data, schema?.fields ?? []);
  const problems = conformed.problems.map((p) => ({
    path: p.path ? `event.data.${p.path}` : 'event.data',
    message: p.message,
  }));
  const time =
    event.time === undefined
      ? Date.now()
      : typeof event.time === 'string'
        ? parseTime(event.time)
        : undefined;
  if (time === undefined) problems.push({ path: 'event.time', message: 'expected an ISO-8601 time' });
  if (event.id !== undefined && (typeof event.id !== 'string' || event.id === '')) {
    problems.push({ path: 'event.id', message: 'expected non-empty text' });
  }
  if (problems.length > 0) throw new ManualRunError(`the event does not fit ${trigger.event}`, problems);
  return {
    kind: 'event',
    event: {
      id: typeof event.id === 'string' ? event.id : `manual-${randomUUID()}`,
      type: trigger.event,
      time: new Date(time ?? Date.now()).toISOString(),
      data: conformed.value as Readonly<Record<string, unknown>>,
      source: request.by !== undefined ? `opsflow:manual/${request.by}` : 'opsflow:manual',
      causalDepth: 0,
    },
  };
}
