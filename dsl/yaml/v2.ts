/**
 * The v2 parts of the YAML form (LANGUAGE.md §9, §12): the flow-control and `cancel_on` keys of a
 * rule, and the `wait_first` step. They read into the same AST as the DSL's clauses and statement.
 *
 * - `debounce: 30s` or `debounce: { quiet: 30s, max: 5m }`
 * - `batch: 50` or `batch: { size: 50, within: 10m }`
 * - `throttle: { runs: 10, per: 1m }`, `limit: { runs: 1, per: 1d }`
 * - `cancel_on: { event: order.placed, as: o, where: "..." }` (or `cancel_on: order.placed`)
 * - `- wait_first: [{ event, as, where, do: [...] }, ...]` with `within:` and `on_timeout:` beside it
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node } from 'yaml';
import type { Clause, DurationLit, Stmt, WaitCase } from '../ast/ast';
import type { Span } from '../core/span';
import { asMap, describe, knownEntries, missing } from './context';
import type { Entry, YamlContext } from './context';
import { binding, durationLit, expression, numberOf, qualifiedName } from './scalars';

/** The v2 keys of a rule document. */
export const V2_RULE_KEYS = ['debounce', 'batch', 'throttle', 'limit', 'cancel_on'] as const;

/** The keys of one case of a `wait_first` step. */
export const WAIT_CASE_KEYS = ['event', 'as', 'where', 'do'] as const;

type V2Key = (typeof V2_RULE_KEYS)[number];

export function isV2RuleKey(key: string): key is V2Key {
  return (V2_RULE_KEYS as readonly string[]).includes(key);
}

/** A number the YAML form writes as a plain scalar (`batch: 50`, `runs: 10`), with its span. */
function count(
  ctx: YamlContext,
  node: Node | undefined,
  what: string,
  at: Span,
): { value: number; span: Span } | undefined {
  const value = numberOf(ctx, node, what, at);
  return value === undefined ? undefined : { value, span: ctx.span(node, at) };
}

/** `{ a: ..., b: ... }` with the keys `allowed`, `required` among them; undefined after a report. */
function fields(
  ctx: YamlContext,
  entry: Entry,
  allowed: readonly string[],
  required: readonly string[],
  span: Span,
): Map<string, Entry> | undefined {
  const at = ctx.span(entry.keyNode, span);
  const map = asMap(ctx, entry.value, `'${entry.key}'`, at);
  if (!map) return undefined;
  const keys = knownEntries(ctx, map, allowed, `'${entry.key}'`, span);
  let ok = true;
  for (const key of required) {
    if (!keys.has(key)) {
      missing(ctx, key, `'${entry.key}'`, ctx.span(map, span));
      ok = false;
    }
  }
  return ok ? keys : undefined;
}

/** The clause a v2 rule key stands for; undefined after a report. */
export function v2Clause(
  ctx: YamlContext,
  entry: Entry & { key: V2Key },
  ruleSpan: Span,
): Clause | undefined {
  const span = ctx.pairSpan(entry.pair);
  const at = ctx.span(entry.keyNode, ruleSpan);
  const dur = (e: Entry | undefined): DurationLit | undefined =>
    e && durationLit(ctx, e.value, `'${e.key}'`, ctx.span(e.keyNode, span));
  switch (entry.key) {
    case 'debounce': {
      if (!isMap(entry.value)) {
        const quiet = durationLit(ctx, entry.value, "'debounce'", at);
        return quiet && { kind: 'debounce', quiet, span };
      }
      const keys = fields(ctx, entry, ['quiet', 'max'], ['quiet'], span);
      const quiet = dur(keys?.get('quiet'));
      const max = dur(keys?.get('max'));
      if (!quiet || (keys?.has('max') && !max)) return undefined;
      return { kind: 'debounce', quiet, ...(max && { max }), span };
    }
    case 'batch': {
      if (!isMap(entry.value)) {
        const size = count(ctx, entry.value, "'batch'", at);
        return size && { kind: 'batch', size: size.value, sizeSpan: size.span, span };
      }
      const keys = fields(ctx, entry, ['size', 'within'], ['size'], span);
      const sizeEntry = keys?.get('size');
      const size = sizeEntry && count(ctx, sizeEntry.value, "'size'", ctx.span(sizeEntry.keyNode, span));
      const within = dur(keys?.get('within'));
      if (!size || (keys?.has('within') && !within)) return undefined;
      return { kind: 'batch', size: size.value, sizeSpan: size.span, ...(within && { within }), span };
    }
    case 'throttle':
    case 'limit': {
      const keys = fields(ctx, entry, ['runs', 'per'], ['runs', 'per'], span);
      const runsEntry = keys?.get('runs');
      const runs = runsEntry && count(ctx, runsEntry.value, "'runs'", ctx.span(runsEntry.keyNode, span));
      const per = dur(keys?.get('per'));
      return runs && per && { kind: entry.key, runs: runs.value, runsSpan: runs.span, per, span };
    }
    case 'cancel_on': {
      if (isScalar(entry.value)) {
        const event = qualifiedName(ctx, entry.value, "'cancel_on'", at);
        return event && { kind: 'cancel_on', event, span };
      }
      const keys = fields(ctx, entry, ['event', 'as', 'where'], ['event'], span);
      if (!keys) return undefined;
      const get = (k: string): { e?: Entry; at: Span } => {
        const e = keys.get(k);
        return { e, at: e ? ctx.span(e.keyNode, span) : span };
      };
      const ev = get('event');
      const event = qualifiedName(ctx, ev.e?.value, "'event'", ev.at);
      const asE = get('as');
      const as = asE.e && binding(ctx, asE.e.value, "'as'", asE.at);
      const whereE = get('where');
      const where = whereE.e && expression(ctx, whereE.e.value, "'where'", whereE.at);
      if (!event || (asE.e && !as) || (whereE.e && !where)) return undefined;
      return { kind: 'cancel_on', event, ...(as && { as }), ...(where && { where }), span };
    }
  }
}

/** Reads a list of steps (`steps` of `steps.ts`, handed in so the two files do not import each other). */
export type StepsReader = (node: Node | undefined, what: string, at: Span) => Stmt[] | undefined;

/** `wait_first: [cases]` + `within:` + `on_timeout:`; undefined after a report. */
export function waitFirstStep(
  ctx: YamlContext,
  keys: Map<string, Entry>,
  span: Span,
  readSteps: StepsReader,
): Stmt | undefined {
  const head = keys.get('wait_first') as Entry;
  const at = ctx.span(head.keyNode, span);
  if (!isSeq(head.value) || head.value.items.length === 0) {
    const found = isSeq(head.value) ? 'an empty list' : describe(head.value);
    ctx.shape(
      `'wait_first' must be a list of cases ({ event, as, where, do }), found ${found}`,
      head.value,
      at,
    );
    return undefined;
  }
  const cases: WaitCase[] = [];
  let ok = true;
  for (const raw of head.value.items) {
    const node = ctx.resolve(raw);
    const c = node && waitCase(ctx, node, ctx.span(node, at), readSteps);
    if (c) cases.push(c);
    else ok = false;
  }
  const withinEntry = keys.get('within');
  const within =
    withinEntry && durationLit(ctx, withinEntry.value, "'within'", ctx.span(withinEntry.keyNode, span));
  const timeoutEntry = keys.get('on_timeout');
  if (timeoutEntry && !withinEntry) {
    ctx.shape("'on_timeout' needs 'within:' (how long to wait)", timeoutEntry.keyNode, span);
    return undefined;
  }
  const onTimeout = timeoutEntry
    ? readSteps(timeoutEntry.value, "'on_timeout'", ctx.span(timeoutEntry.keyNode, span))
    : within && [];
  if (!ok || (withinEntry && !within) || (timeoutEntry && !onTimeout)) return undefined;
  return { kind: 'wait_first', cases, ...(within && { within }), ...(onTimeout && { onTimeout }), span };
}

function waitCase(ctx: YamlContext, node: Node, span: Span, readSteps: StepsReader): WaitCase | undefined {
  const map = asMap(ctx, node, "a 'wait_first' case", span);
  if (!map) return undefined;
  const keys = knownEntries(ctx, map, WAIT_CASE_KEYS, "a 'wait_first' case", span);
  const eventEntry = keys.get('event');
  if (!eventEntry) {
    missing(ctx, 'event', "a 'wait_first' case", span);
    return undefined;
  }
  const at = (e: Entry): Span => ctx.span(e.keyNode, span);
  const event = qualifiedName(ctx, eventEntry.value, "'event'", at(eventEntry));
  const asEntry = keys.get('as');
  const as = asEntry && binding(ctx, asEntry.value, "'as'", at(asEntry));
  const whereEntry = keys.get('where');
  const where = whereEntry && expression(ctx, whereEntry.value, "'where'", at(whereEntry));
  const doEntry = keys.get('do');
  const body = doEntry ? readSteps(doEntry.value, "'do'", at(doEntry)) : [];
  if (!event || (asEntry && !as) || (whereEntry && !where) || !body) return undefined;
  return { event, ...(as && { as }), ...(where && { where }), body, span };
}
