/**
 * Operator actions on the schedule of one rule, for the API: list, pause, unpause, run now and
 * backfill. They address schedules by rule name; a rule without a schedule is
 * `ScheduleNotFoundError` from the Temporal client.
 */
import {
  ScheduleNotFoundError,
  type Client,
  type ScheduleDescription,
  type ScheduleOverlapPolicy,
} from '@temporalio/client';
import type { RunInput } from '../../workflows/contract';
import { ruleOfScheduleId, scheduleId } from './schedule-spec';

/** One rule's schedule as the API shows it. */
export interface ScheduleView {
  readonly rule: string;
  readonly scheduleId: string;
  /** Registry version of the rule the schedule starts. */
  readonly version: number | undefined;
  readonly paused: boolean;
  readonly note: string | undefined;
  /** Interval in ms, or a cron expression in a time zone; Temporal's own description otherwise. */
  readonly every:
    { readonly intervalMs: number } | { readonly cron: string; readonly timezone: string } | undefined;
  /** ISO-8601 times of the next ticks. */
  readonly nextActionTimes: string[];
  /** The latest runs it started, oldest first. */
  readonly recentActions: {
    readonly scheduledAt: string;
    readonly takenAt: string;
    readonly workflowId: string;
  }[];
  /** Workflow ids of the runs it started that are still going. */
  readonly running: string[];
}

/**
 * Every opsflow schedule, by rule name. Listing is eventually consistent in Temporal, so a
 * schedule created a moment ago may be missing; each listed one is described for current details.
 */
export async function listSchedules(client: Client): Promise<ScheduleView[]> {
  const rules: string[] = [];
  for await (const summary of client.schedule.list()) {
    const rule = ruleOfScheduleId(summary.scheduleId);
    if (rule !== undefined) rules.push(rule);
  }
  const views: ScheduleView[] = [];
  for (const rule of rules.sort()) {
    const view = await describeSchedule(client, rule).catch((err: unknown) => {
      // Deleted between the listing and the describe: not a schedule any more.
      if (err instanceof ScheduleNotFoundError) return undefined;
      throw err;
    });
    if (view) views.push(view);
  }
  return views;
}

/** The schedule of one rule; throws `ScheduleNotFoundError` when it has none. */
export async function describeSchedule(client: Client, rule: string): Promise<ScheduleView> {
  return view(rule, await client.schedule.getHandle(scheduleId(rule)).describe());
}

/**
 * Pauses a rule's schedule. The note says why; a sync keeps an operator's pause while the rule
 * stays enabled (only a pause with the sync's own note is undone by enabling the rule).
 */
export async function pauseSchedule(
  client: Client,
  rule: string,
  note = 'paused by an operator',
): Promise<void> {
  await client.schedule.getHandle(scheduleId(rule)).pause(note);
}

/** Unpauses a rule's schedule (whoever paused it). */
export async function unpauseSchedule(
  client: Client,
  rule: string,
  note = 'unpaused by an operator',
): Promise<void> {
  await client.schedule.getHandle(scheduleId(rule)).unpause(note);
}

/**
 * Starts a run of the scheduled rule now, with the version the schedule holds. `overlap`
 * defaults to `ALLOW_ALL`: an operator asking for a run gets one even while a scheduled run is
 * still going (pass `SKIP` to follow the schedule's own policy).
 */
export async function triggerSchedule(
  client: Client,
  rule: string,
  overlap: ScheduleOverlapPolicy = 'ALLOW_ALL',
): Promise<void> {
  await client.schedule.getHandle(scheduleId(rule)).trigger(overlap);
}

/**
 * Takes the actions the schedule would have taken between `from` and `to`, now. `overlap`
 * defaults to `BUFFER_ALL`, so every missed tick runs, one after the other (with the schedule's
 * `SKIP` all but the first would be dropped, since they are all due at once).
 */
export async function backfillSchedule(
  client: Client,
  rule: string,
  from: Date,
  to: Date,
  overlap: ScheduleOverlapPolicy = 'BUFFER_ALL',
): Promise<void> {
  await client.schedule.getHandle(scheduleId(rule)).backfill({ start: from, end: to, overlap });
}

function view(rule: string, d: ScheduleDescription): ScheduleView {
  const input = d.action.args?.[0] as RunInput | undefined;
  const trigger = input?.rule.trigger;
  return {
    rule,
    scheduleId: d.scheduleId,
    version: input?.version,
    paused: d.state.paused,
    note: d.state.note,
    every:
      trigger?.kind !== 'schedule'
        ? undefined
        : 'intervalMs' in trigger
          ? { intervalMs: trigger.intervalMs }
          : { cron: trigger.cron, timezone: trigger.timezone },
    nextActionTimes: d.info.nextActionTimes.map((t) => t.toISOString()),
    recentActions: d.info.recentActions.map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      takenAt: a.takenAt.toISOString(),
      workflowId: a.action.workflow.workflowId,
    })),
    running: d.info.runningActions.map((a) => a.workflow.workflowId),
  };
}
