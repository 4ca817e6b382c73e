/**
 * Which routing work must stay in stored order. Starting runs for different rules and keys is
 * independent, so a claimed batch starts them concurrently; two events for the same rule and key
 * keep their stored order (one key's runs see their triggers in the order they happened).
 */
import type { Value } from '../../dsl/value';
import { evaluate } from '../../dsl/evaluator';
import type { ActiveRule } from '../registry/types';
import type { StoredEventRow } from '../ingest/stored-event';
import { keyText } from './workflow-ids';

/**
 * The ordering lane of routing `event` to `rule`: work in one lane runs in stored order, lanes run
 * concurrently. `parallel` rules start a run per event, so each event has a lane of its own; a key
 * that fails to evaluate puts the event in the rule's shared lane (routing records the error).
 */
export function orderingLane(rule: ActiveRule, event: StoredEventRow): string {
  if (rule.ir.concurrency === 'parallel') return `${rule.name}#${event.id}`;
  if (!rule.ir.key) return rule.name;
  try {
    return `${rule.name}/${keyText(evaluate(rule.ir.key, { event: event.data as Value }, { now: () => Date.now() }))}`;
  } catch {
    return rule.name;
  }
}

/**
 * Runs `work` for every (event, rule) pair: in stored order within a lane, lanes concurrently.
 * Resolves, per event, to its outcomes or to the first error of its pairs.
 */
/** The routing of one event: every rule's result, or the first error. */
export type LaneResult<T> =
  { readonly ok: true; readonly values: T[] } | { readonly ok: false; readonly error: unknown };

export async function inLanes<T>(
  events: readonly StoredEventRow[],
  rulesFor: (event: StoredEventRow) => readonly ActiveRule[],
  work: (event: StoredEventRow, rule: ActiveRule) => Promise<T>,
): Promise<Map<string, LaneResult<T>>> {
  const tails = new Map<string, Promise<unknown>>();
  const perEvent = events.map((event) => {
    const tasks = rulesFor(event).map((rule) => {
      const lane = orderingLane(rule, event);
      const task = (tails.get(lane) ?? Promise.resolve()).then(() => work(event, rule));
      // The next task in the lane waits for this one whether it succeeds or fails.
      tails.set(
        lane,
        task.catch(() => undefined),
      );
      return task;
    });
    return Promise.all(tasks).then(
      (values): [string, LaneResult<T>] => [event.id, { ok: true, values }],
      (error: unknown): [string, LaneResult<T>] => [event.id, { ok: false, error }],
    );
  });
  return new Map(await Promise.all(perEvent));
}
