/**
 * What a rule's Temporal Schedule should look like: its id, its spec (from the rule's `every`
 * trigger), its action (start the interpreter with the pinned IR of the current version), its
 * policies, and a hash of all of that, so a sync can tell whether a schedule is up to date
 * without comparing Temporal's normalised description field by field.
 */
import { createHash } from 'node:crypto';
import type { ScheduleOptions, ScheduleSpec } from '@temporalio/client';
import type { TriggerIR } from '../../dsl/runtime';
import type { ActiveRule } from '../registry/records';
import { INTERPRETER_WORKFLOW_TYPE, type RunInput } from '../../workflows/contract';
import { startSearchAttributes } from '../router/run-attributes';

/** Every schedule opsflow owns starts with this; a sync never touches any other schedule. */
export const SCHEDULE_ID_PREFIX = 'opsflow/schedule/';

/**
 * How late a missed tick may still run after the schedule could not act (Temporal or the
 * workers were down). One minute: a run a little late is still useful, but after a long outage
 * an `every 5m` rule should not fire a burst of stale runs; the next tick comes anyway.
 */
export const SCHEDULE_CATCHUP_WINDOW_MS = 60_000;

/**
 * Overlap policy of every rule schedule: a tick while the previous run is still going is
 * skipped, so a slow run never piles up work behind it.
 */
export const SCHEDULE_OVERLAP = 'SKIP';

/** Action memo key holding `DesiredSchedule.hash` (the schedule memo itself cannot be updated). */
export const SCHEDULE_HASH_MEMO = 'opsflowScheduleHash';
/** Schedule memo key naming the rule (set at creation; a rule's schedule keeps its id). */
export const SCHEDULE_RULE_MEMO = 'opsflowRule';

/**
 * The note a sync leaves on the schedules it pauses. A schedule paused with another note was
 * paused by an operator, and a sync leaves it paused when its rule is enabled.
 */
export const DISABLED_NOTE = 'opsflow: the rule is disabled';
/** The note a sync leaves when it unpauses a schedule because its rule was enabled again. */
export const ENABLED_NOTE = 'opsflow: the rule is enabled';
/** The note a sync leaves on the schedule of a paused rule (its ticks are skipped meanwhile). */
export const PAUSED_NOTE = 'opsflow: the rule is paused';

/** Whether a schedule's pause is one a sync made (and undoes), not an operator's. */
export function pausedBySync(note: string | undefined): boolean {
  return note === DISABLED_NOTE || note === PAUSED_NOTE;
}

/** The schedule trigger of the IR, narrowed. */
export type ScheduleTriggerIR = Extract<TriggerIR, { kind: 'schedule' }>;

/** The schedule id of a rule. */
export function scheduleId(rule: string): string {
  return `${SCHEDULE_ID_PREFIX}${rule}`;
}

/** The rule a schedule id belongs to, or undefined for a schedule opsflow does not own. */
export function ruleOfScheduleId(id: string): string | undefined {
  return id.startsWith(SCHEDULE_ID_PREFIX) ? id.slice(SCHEDULE_ID_PREFIX.length) : undefined;
}

/**
 * Workflow id of scheduled runs. Temporal appends the scheduled time to it, so every tick is a
 * run of its own and never collides with the router's `opsflow/RULE...` ids.
 */
export function scheduledWorkflowId(rule: string): string {
  return `opsflow/${rule}/schedule`;
}

/** The Temporal spec of a schedule trigger: an interval, or a cron expression in a time zone. */
export function scheduleSpec(trigger: ScheduleTriggerIR): ScheduleSpec {
  if ('intervalMs' in trigger) return { intervals: [{ every: trigger.intervalMs }] };
  return { cronExpressions: [trigger.cron], timezone: trigger.timezone };
}

/** A rule's schedule as a sync wants it. */
export interface DesiredSchedule {
  readonly rule: string;
  readonly version: number;
  readonly scheduleId: string;
  /** Paused because the rule is disabled (by the operator or in its source) or paused. */
  readonly paused: boolean;
  /** The note of that pause. */
  readonly note: string;
  /** sha256 over everything but the paused state: a different hash means "update". */
  readonly hash: string;
  /** The options to create it with (`state` included). */
  readonly options: ScheduleOptions;
}

/** The desired schedule of an active rule, or undefined when its trigger is not `every`. */
export function desiredSchedule(rule: ActiveRule, taskQueue: string): DesiredSchedule | undefined {
  const trigger = rule.ir.trigger;
  if (trigger.kind !== 'schedule') return undefined;
  const id = scheduleId(rule.name);
  const spec = scheduleSpec(trigger);
  const input: RunInput = { rule: rule.ir, version: rule.version, trigger: { kind: 'schedule' } };
  const workflowId = scheduledWorkflowId(rule.name);
  const typedSearchAttributes = startSearchAttributes(input);
  // The IR hash stands for the whole pinned input; the version is in the input too (a rollback
  // to an identical IR under another version number still changes what runs display).
  const hash = createHash('sha256')
    .update(
      JSON.stringify({
        ir: rule.ir.hash,
        version: rule.version,
        spec,
        taskQueue,
        workflowId,
        workflowType: INTERPRETER_WORKFLOW_TYPE,
        overlap: SCHEDULE_OVERLAP,
        catchupWindow: SCHEDULE_CATCHUP_WINDOW_MS,
        searchAttributes: typedSearchAttributes.map((p) => [p.key.name, p.value]),
      }),
    )
    .digest('hex');
  const paused = !rule.enabled || rule.paused;
  const note = !rule.enabled ? DISABLED_NOTE : PAUSED_NOTE;
  return {
    rule: rule.name,
    version: rule.version,
    scheduleId: id,
    paused,
    note,
    hash,
    options: {
      scheduleId: id,
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: INTERPRETER_WORKFLOW_TYPE,
        workflowId,
        taskQueue,
        args: [input],
        memo: { [SCHEDULE_HASH_MEMO]: hash },
        typedSearchAttributes,
      },
      policies: { overlap: SCHEDULE_OVERLAP, catchupWindow: SCHEDULE_CATCHUP_WINDOW_MS },
      memo: { [SCHEDULE_RULE_MEMO]: rule.name },
      state: paused ? { paused: true, note } : { paused: false },
    },
  };
}
