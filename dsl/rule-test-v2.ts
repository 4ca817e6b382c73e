/**
 * Rule tests, v2 keys (LANGUAGE.md §14): `triggers` (a list, `after` from the previous one),
 * `history` (events stored before the first trigger, `ago` back from it), and in `expect`:
 * `runs`, `outcomes`, and `status` as a list (one per run).
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Span } from './core/span';
import { didYouMean } from './core/suggest';
import type { Entry, Reader } from './rule-test-reader';

/** One of several triggers: `afterMs` after the previous trigger (the first at 0). */
export interface TriggerItem {
  readonly afterMs: number;
  readonly event: string;
  readonly data: Record<string, unknown>;
  readonly span: Span;
}

/** An event stored `agoMs` before the first trigger (for a schedule rule, before the run). */
export interface HistoryItem {
  readonly agoMs: number;
  readonly event: string;
  readonly data: Record<string, unknown>;
  readonly span: Span;
}

/** The outcomes a trigger can have, as the engine records them per (event, rule). */
export const TEST_OUTCOMES = [
  'started',
  'skipped',
  'debounced',
  'batched',
  'throttled',
  'limited',
  'dropped',
  'queued',
  'replaced',
  'error',
] as const;

function readEvents<T>(
  r: Reader,
  entry: Entry,
  span: Span,
  what: string,
  offsetKey: 'after' | 'ago',
  make: (offsetMs: number, event: string, data: Record<string, unknown>, at: Span) => T,
): T[] | undefined {
  if (!isSeq(entry.value)) return r.problem(entry.span, `'${what}' must be a list`);
  const items: T[] = [];
  let ok = true;
  for (const item of entry.value.items) {
    const at = r.span(item as never, span);
    const t = r.entries(item, `a '${what}' entry`, [offsetKey, 'event', 'data'], at);
    if (!t) {
      ok = false;
      continue;
    }
    const offset = t.get(offsetKey) ? r.durationMs(t.get(offsetKey)!.value, at, `'${offsetKey}'`) : 0;
    const event = t.get('event')
      ? r.text(t.get('event')!.value, "'event'", at)
      : r.problem(at, `a '${what}' entry needs 'event:'`);
    const data = r.data(t.get('data')?.value ?? null, "'data'", at);
    if (offset === undefined || event === undefined || !data) ok = false;
    else items.push(make(offset, event, data, at));
  }
  return ok ? items : undefined;
}

/** `triggers:`; a list of at least one event. */
export function readTriggers(r: Reader, entry: Entry, span: Span): TriggerItem[] | undefined {
  const items = readEvents(r, entry, span, 'triggers', 'after', (afterMs, event, data, at) => ({
    afterMs,
    event,
    data,
    span: at,
  }));
  if (items && items.length === 0) return r.problem(entry.span, "'triggers' needs at least one event");
  return items;
}

/** `history:` (absent: none). */
export function readHistory(r: Reader, entry: Entry | undefined, span: Span): HistoryItem[] | undefined {
  if (!entry || entry.value === null) return [];
  return readEvents(r, entry, span, 'history', 'ago', (agoMs, event, data, at) => ({
    agoMs,
    event,
    data,
    span: at,
  }));
}

/** `status: [completed, cancelled]`: one status per run. */
export function readStatuses<S extends string>(
  r: Reader,
  entry: Entry,
  known: readonly S[],
): S[] | undefined {
  if (!isSeq(entry.value)) return r.problem(entry.span, "'status' must be a status or a list of them");
  const out: S[] = [];
  for (const item of entry.value.items) {
    const text = r.text(item as never, 'a status', entry.span);
    if (text === undefined) return undefined;
    if (!(known as readonly string[]).includes(text)) {
      return r.problem(
        r.span(item as never, entry.span),
        `unknown status '${text}': one of ${known.join(', ')}${didYouMean(text, known)}`,
      );
    }
    out.push(text as S);
  }
  return out;
}

/** `runs: N`. */
export function readRuns(r: Reader, entry: Entry): number | undefined {
  const v = entry.value;
  if (isScalar(v) && typeof v.value === 'number' && Number.isSafeInteger(v.value) && v.value >= 0)
    return v.value;
  return r.problem(r.span(v, entry.span), "'runs' must be a whole number of runs (0 or more)");
}

/** `outcomes: { debounced: 1, started: 1 }`. */
export function readOutcomes(r: Reader, entry: Entry): Record<string, number> | undefined {
  if (!isMap(entry.value)) return r.problem(entry.span, "'outcomes' must be a mapping of outcome: count");
  const out: Record<string, number> = {};
  const e = r.entries(entry.value, "'outcomes'", TEST_OUTCOMES, entry.span);
  if (!e) return undefined;
  for (const [name, { value, span }] of e) {
    if (!(
      isScalar(value) &&
      typeof value.value === 'number' &&
      Number.isSafeInteger(value.value) &&
      value.value >= 0
    )) {
      return r.problem(r.span(value, span), `outcome '${name}' needs a whole number of triggers`);
    }
    out[name] = value.value;
  }
  return out;
}
