/**
 * Which routing work must stay in stored order. Starting runs for different rules and keys is
 * independent, so a claimed batch starts them concurrently; two events for the same rule and key
 * keep their stored order (one key's runs see their triggers in the order they happened).
 */
import { evaluate, type Value } from '../../dsl/runtime';
import type { ActiveRule } from '../registry/records';
import type { StoredEventRow } from '../ingest/stored-event';
import { keyText } from './workflow-ids';

/**
 * The ordering lane of routing `event` to `rule`: work in one lane runs in stored order, lanes run
 * concurrently. `parallel` rules start a run per event, so each event has a lane of its own; a key
 * that fails to evaluate puts the event in the rule's shared lane (routing records the error).
 */
export function orderingLane(rule: ActiveRule, event: StoredEventRow): string {
  // v2: flow control and `previous` are per key, so a `parallel` rule using them keeps key order.
  const perKey = !!rule.ir.flow || !!rule.ir.usesPrevious;
  if (rule.ir.concurrency === 'parallel' && !perKey) return `${rule.name}#${event.id}`;
  if (!rule.ir.key) return rule.name;
  try {
    return `${rule.name}/${keyText(evaluate(rule.ir.key, { event: event.data as Value }, { now: () => Date.now() }))}`;
  } catch {
    return rule.name;
  }
}

/** The routing of one event: every rule's result, or the first error. */
export type LaneResult<T> =
  { readonly ok: true; readonly values: T[] } | { readonly ok: false; readonly error: unknown };

/**
 * Ordering lanes: work given to one lane runs in the order it was given, lanes run concurrently.
 * A router keeps one `Lanes` across the batches it has in flight, so a later batch's work for a
 * key waits for an earlier batch's.
 */
export class Lanes {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after the work given to `lane` before it (whether that succeeded or failed). */
  run<T>(lane: string, work: () => Promise<T>): Promise<T> {
    const task = (this.tails.get(lane) ?? Promise.resolve()).then(work);
    const tail = task.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(lane, tail);
    // A lane with nothing after this task is forgotten once it ends.
    void tail.then(() => {
      if (this.tails.get(lane) === tail) this.tails.delete(lane);
    });
    return task;
  }

  /** Lanes with work queued or running (tests). */
  get size(): number {
    return this.tails.size;
  }
}

/**
 * Runs `work` for every (event, rule) pair: in stored order within a lane, lanes concurrently.
 * The work is queued on `lanes` before this returns its promise. Resolves, per event, to its
 * outcomes or to the first error of its pairs.
 */
export async function inLanes<T>(
  events: readonly StoredEventRow[],
  rulesFor: (event: StoredEventRow) => readonly ActiveRule[],
  work: (event: StoredEventRow, rule: ActiveRule) => Promise<T>,
  lanes: Lanes = new Lanes(),
): Promise<Map<string, LaneResult<T>>> {
  const perEvent = events.map((event) => {
    const tasks = rulesFor(event).map((rule) =>
      lanes.run(orderingLane(rule, event), () => work(event, rule)),
    );
    return Promise.all(tasks).then(
      (values): [string, LaneResult<T>] => [event.id, { ok: true, values }],
      (error: unknown): [string, LaneResult<T>] => [event.id, { ok: false, error }],
    );
  });
  return new Map(await Promise.all(perEvent));
}
