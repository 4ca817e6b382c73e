/**
 * Keeps the Temporal Schedules in step with the registry: one schedule per active rule with an
 * `every` trigger, created, updated (only when its hash changed), paused while the rule is
 * disabled, and deleted once the rule is removed or no longer scheduled.
 *
 * Idempotent and safe to run from several processes at once: every step reads Temporal's state
 * first, a create that loses the race ("already exists") falls through to the update path, and
 * deleting a schedule that is already gone is not an error.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type Client,
  type ScheduleDescription,
} from '@temporalio/client';
import type { Sql } from '../db/sql';
import { activeRules } from '../registry/active-rules';
import {
  ENABLED_NOTE,
  pausedBySync,
  SCHEDULE_HASH_MEMO,
  desiredSchedule,
  ruleOfScheduleId,
  scheduleId,
  type DesiredSchedule,
} from './schedule-spec';

export interface SyncSchedulesOptions {
  readonly client: Client;
  /** The registry's database: the active rules are read from it. */
  readonly db: Sql;
  /** Task queue of the interpreter worker the scheduled runs go to. */
  readonly taskQueue: string;
}

/** What one sync did, by rule name (sorted). A rule can be both `updated` and `paused`. */
export interface SyncReport {
  readonly created: string[];
  readonly updated: string[];
  readonly paused: string[];
  readonly unpaused: string[];
  readonly deleted: string[];
  readonly unchanged: string[];
  /** Rules whose schedule could not be brought in step; the others were still synced. */
  readonly failed: { readonly rule: string; readonly error: string }[];
}

/**
 * Makes the Temporal Schedules (in the client's namespace) match the active rules with `every`
 * triggers. Schedules without the opsflow prefix are never touched.
 */
export async function syncSchedules(options: SyncSchedulesOptions): Promise<SyncReport> {
  const { client, db, taskQueue } = options;
  const report: SyncReport = {
    created: [],
    updated: [],
    paused: [],
    unpaused: [],
    deleted: [],
    unchanged: [],
    failed: [],
  };
  const desired = new Map<string, DesiredSchedule>();
  for (const rule of await activeRules(db)) {
    const schedule = desiredSchedule(rule, taskQueue);
    if (schedule) desired.set(schedule.rule, schedule);
  }

  for (const schedule of desired.values()) {
    try {
      await ensureSchedule(client, schedule, report);
    } catch (err) {
      report.failed.push({ rule: schedule.rule, error: message(err) });
    }
  }

  for (const rule of await staleCandidates(client, db, desired)) {
    try {
      await client.schedule.getHandle(scheduleId(rule)).delete();
      report.deleted.push(rule);
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) report.failed.push({ rule, error: message(err) });
    }
  }

  for (const list of Object.values(report)) list.sort(byRule);
  return report;
}

/** Creates, updates, pauses or unpauses one schedule, recording what it did. */
async function ensureSchedule(client: Client, schedule: DesiredSchedule, report: SyncReport): Promise<void> {
  const handle = client.schedule.getHandle(schedule.scheduleId);
  let current: ScheduleDescription;
  try {
    current = await handle.describe();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    try {
      await client.schedule.create(schedule.options);
      report.created.push(schedule.rule);
      return;
    } catch (createErr) {
      // Another process created it between our describe and create: bring that one in step.
      if (!(createErr instanceof ScheduleAlreadyRunning)) throw createErr;
      current = await handle.describe();
    }
  }

  // Paused by an operator (any note but ours): a sync keeps it paused while the rule is enabled.
  const pausedByOperator = current.state.paused && !pausedBySync(current.state.note);
  const paused = schedule.paused || pausedByOperator;
  const note = schedule.paused ? schedule.note : pausedByOperator ? current.state.note : ENABLED_NOTE;

  if (current.action.memo?.[SCHEDULE_HASH_MEMO] !== schedule.hash) {
    const { action, spec, policies } = schedule.options;
    // The update replaces the whole schedule (state included), so one call also (un)pauses it.
    await handle.update(() => ({ action, spec, policies, state: { paused, note } }));
    report.updated.push(schedule.rule);
    if (paused !== current.state.paused) (paused ? report.paused : report.unpaused).push(schedule.rule);
    return;
  }
  if (paused === current.state.paused && (!schedule.paused || current.state.note === schedule.note)) {
    report.unchanged.push(schedule.rule);
  } else if (paused) {
    await handle.pause(note);
    report.paused.push(schedule.rule);
  } else {
    await handle.unpause(ENABLED_NOTE);
    report.unpaused.push(schedule.rule);
  }
}

/**
 * Rules whose schedule may exist but should not: the opsflow schedules Temporal lists, plus every
 * rule that ever had an `every` trigger. Listing alone is not enough because it is eventually
 * consistent (a schedule created a moment ago may not be listed yet); the registry alone is not
 * enough for schedules left behind by a database that was reset.
 */
async function staleCandidates(
  client: Client,
  db: Sql,
  desired: ReadonlyMap<string, DesiredSchedule>,
): Promise<string[]> {
  const candidates = new Set<string>();
  for await (const summary of client.schedule.list()) {
    const rule = ruleOfScheduleId(summary.scheduleId);
    if (rule !== undefined) candidates.add(rule);
  }
  const { rows } = await db.query<{ rule_name: string }>(
    `SELECT DISTINCT rule_name FROM rule_versions WHERE ir->'trigger'->>'kind' = 'schedule'`,
  );
  for (const row of rows) candidates.add(row.rule_name);
  return [...candidates].filter((rule) => !desired.has(rule));
}

function byRule(a: string | { rule: string }, b: string | { rule: string }): number {
  const x = typeof a === 'string' ? a : a.rule;
  const y = typeof b === 'string' ? b : b.rule;
  return x < y ? -1 : x > y ? 1 : 0;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
