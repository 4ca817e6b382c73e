/**
 * A run's timeline as steps with a start and an end, for a time chart: the interpreter's timeline
 * records points (`call`, then `call_result` or `call_failed` at the same source place; `wait`,
 * then `event` or `timeout`; `approval_requested`, then `approval` or `timeout`; `sleep` with the
 * time it sleeps until), and this pairs them by source place, in order (a loop's repeats pair one
 * after the other). Everything else is a step of no duration.
 */
import type { SourceRef, TimelineEntry } from '../../workflows/contract';

/** How a step went. */
export type StepStatus = 'running' | 'done' | 'failed' | 'timed_out' | 'cancelled';

/** One step of a run's timeline. */
export interface RunStep {
  /** `call`, `sleep`, `wait`, `approve`, `log`, `set`, `emit`, `branch`, `stop`, `fail`, `error`, ... */
  readonly kind: string;
  readonly status: StepStatus;
  /** Same as `startedAt` (the field of the point it started with). */
  readonly at: string;
  readonly startedAt: string;
  /** Null while the step goes on. */
  readonly endedAt: string | null;
  /** `file:line` in the rule source, when the step has a place. */
  readonly where: string | null;
  readonly source: SourceRef | null;
  /** What it did: the action and its result, the event that came, the decision, the log line. */
  readonly detail: string;
}

/** What kind of step an opening point starts, and which points end it. */
const OPENERS: Readonly<Record<string, { readonly kind: string; readonly ends: readonly string[] }>> = {
  call: { kind: 'call', ends: ['call_result', 'call_failed'] },
  wait: { kind: 'wait', ends: ['event', 'timeout'] },
  approval_requested: { kind: 'approve', ends: ['approval', 'timeout'] },
};

/** The step an end point makes when its start is not in the timeline (an event taken at once). */
const LONE_ENDS: Readonly<Record<string, string>> = {
  event: 'wait',
  call_result: 'call',
  call_failed: 'call',
};

/** `sleep` details end with `(until ISO)` when the run sleeps. */
const SLEEP_UNTIL = /\(until (\S+)\)$/;

interface Open {
  readonly index: number;
  readonly ends: readonly string[];
}

/**
 * The steps of `entries` (oldest first). A step still open is running, or, when the run has
 * closed (`closedAt`), ended then and `cancelled`. `now` decides whether a sleep is over.
 */
export function timelineSteps(
  entries: readonly TimelineEntry[],
  run: { readonly closedAt: string | null; readonly now: number },
): RunStep[] {
  const steps: RunStep[] = [];
  const open = new Map<string, Open[]>();
  for (const entry of entries) {
    const place = entry.source
      ? `${entry.source.file}:${entry.source.line}:${entry.source.column}`
      : undefined;
    const opener = OPENERS[entry.kind];
    if (opener && place !== undefined) {
      const list = open.get(place) ?? [];
      list.push({ index: steps.length, ends: opener.ends });
      open.set(place, list);
      steps.push(step(entry, opener.kind, 'running', null));
      continue;
    }
    const pending = place === undefined ? undefined : open.get(place);
    const at = pending?.findIndex((o) => o.ends.includes(entry.kind)) ?? -1;
    if (pending && at >= 0) {
      const [started] = pending.splice(at, 1);
      const before = steps[started.index];
      steps[started.index] = {
        ...before,
        status: endStatus(entry.kind),
        endedAt: entry.at,
        detail: entry.detail,
      };
      continue;
    }
    if (entry.kind === 'sleep') {
      steps.push(sleepStep(entry, run));
      continue;
    }
    const kind = LONE_ENDS[entry.kind] ?? entry.kind;
    steps.push(step(entry, kind, endStatus(entry.kind), entry.at));
  }
  if (run.closedAt !== null) {
    return steps.map((s) => (s.endedAt === null ? { ...s, status: 'cancelled', endedAt: run.closedAt } : s));
  }
  return steps;
}

function step(entry: TimelineEntry, kind: string, status: StepStatus, endedAt: string | null): RunStep {
  const source = entry.source ?? null;
  return {
    kind,
    status,
    at: entry.at,
    startedAt: entry.at,
    endedAt,
    where: source ? `${source.file}:${source.line}` : null,
    source,
    detail: entry.detail,
  };
}

function sleepStep(
  entry: TimelineEntry,
  run: { readonly closedAt: string | null; readonly now: number },
): RunStep {
  const until = SLEEP_UNTIL.exec(entry.detail)?.[1];
  const ends = until === undefined ? Number.NaN : Date.parse(until);
  if (Number.isNaN(ends)) return step(entry, 'sleep', 'done', entry.at);
  const closed = run.closedAt === null ? Number.POSITIVE_INFINITY : Date.parse(run.closedAt);
  if (ends <= Math.min(run.now, closed)) return step(entry, 'sleep', 'done', new Date(ends).toISOString());
  // Still sleeping, or the run ended during the sleep (cancelled, failed elsewhere).
  return step(entry, 'sleep', 'running', null);
}

function endStatus(kind: string): StepStatus {
  if (kind === 'call_failed' || kind === 'fail' || kind === 'error') return 'failed';
  if (kind === 'timeout') return 'timed_out';
  if (kind === 'cancelled') return 'cancelled';
  return 'done';
}
