/**
 * Steps of the YAML form (`do:`, `then:`, `on_timeout:` ... lists) and their translation into AST
 * statements. A step is a mapping whose *kind key* (`let`, `call`, `if`, ...) says what it is; the
 * other keys it may have depend on the kind. `- stop` on its own is a `stop` without a message.
 *
 * `else if` has no key of its own: an `else:` list holding exactly one `if` step continues the
 * chain, so `if: a / then: [...] / else: [ { if: b, then: [...], else: [...] } ]` is the AST's
 * `branches: [a, b]` plus an `else`. This is how the DSL reads `else if` too (an `else` whose only
 * statement is an `if` is an `else if`), so both forms give the same AST.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import type { Expr, RetrySpec, Stmt } from '../ast/ast';
import { Codes } from '../core/diagnostics';
import { joinSpans } from '../core/span';
import type { Span } from '../core/span';
import { suggest } from '../core/suggest';
import { asMap, describe, entries, knownEntries, missing } from './context';
import type { Entry, YamlContext } from './context';
import { binding, durationLit, expression, namedArgs, numberOf, qualifiedName, template } from './scalars';
import { waitFirstStep } from './v2';

/** The keys each kind of step may have; the first is the kind key itself. */
export const STEP_KEYS = {
  let: ['let', 'value'],
  set: ['set', 'value'],
  call: ['call', 'as', 'with', 'retry', 'timeout'],
  if: ['if', 'then', 'else'],
  sleep: ['sleep'],
  sleep_until: ['sleep_until'],
  wait: ['wait', 'as', 'where', 'within', 'on_timeout'],
  approve: ['approve', 'by', 'as', 'within', 'on_timeout'],
  wait_first: ['wait_first', 'within', 'on_timeout'],
  parallel: ['parallel'],
  for_each: ['for_each', 'in', 'do'],
  emit: ['emit', 'with'],
  log: ['log'],
  stop: ['stop'],
  fail: ['fail'],
} as const;

type StepKind = keyof typeof STEP_KEYS;
const KINDS = Object.keys(STEP_KEYS) as StepKind[];

function isKind(key: string): key is StepKind {
  return Object.prototype.hasOwnProperty.call(STEP_KEYS, key);
}

/** A list of steps. An empty value (`then:`) is an empty list. `undefined` after a report. */
export function steps(
  ctx: YamlContext,
  node: Node | undefined,
  what: string,
  fallback: Span,
  depth: number,
): Stmt[] | undefined {
  if (isScalar(node) && node.value === null) return [];
  if (!isSeq(node)) {
    ctx.shape(`${what} must be a list of steps, found ${describe(node)}`, node, fallback);
    return undefined;
  }
  if (!ctx.depthOk(depth, node, fallback)) return undefined;
  const out: Stmt[] = [];
  let ok = true;
  for (const raw of node.items) {
    const item = ctx.resolve(raw);
    const stmt = item === undefined ? undefined : step(ctx, item, ctx.span(node, fallback), depth);
    if (stmt === undefined) ok = false;
    else out.push(stmt);
  }
  return ok ? out : undefined;
}

function step(ctx: YamlContext, node: Node, fallback: Span, depth: number): Stmt | undefined {
  const span = ctx.span(node, fallback);
  if (isScalar(node) && node.value === 'stop') return { kind: 'stop', span };
  if (!isMap(node)) {
    const text = isScalar(node) && typeof node.value === 'string' ? node.value : '';
    const close = suggest(text, KINDS);
    const hint = close === undefined ? '' : `; did you mean '- ${close}: ...'?`;
    ctx.shape(
      `a step must be a mapping such as '- log: text', found ${describe(node)}${hint}`,
      node,
      fallback,
    );
    return undefined;
  }
  const all = entries(ctx, node, span);
  const kinds = all.filter((e) => isKind(e.key));
  if (kinds.length === 0) {
    reportNoKind(ctx, all, span);
    return undefined;
  }
  if (kinds.length > 1) {
    const names = kinds.map((k) => `'${k.key}'`).join(' and ');
    const hint =
      kinds.some((k) => k.key === 'let') && kinds.some((k) => k.key === 'call')
        ? "; bind a call's result with 'as:'"
        : '';
    ctx.shape(`a step has exactly one kind, found ${names}${hint}`, kinds[1].keyNode, span);
    return undefined;
  }
  const kind = kinds[0].key as StepKind;
  const keys = knownEntries(ctx, node, STEP_KEYS[kind], `a '${kind}' step`, span);
  return stepOf(ctx, kind, node, keys, span, depth);
}

function reportNoKind(ctx: YamlContext, all: readonly Entry[], span: Span): void {
  for (const e of all) {
    const close = suggest(e.key, KINDS);
    if (close !== undefined) {
      ctx.report(
        Codes.yamlUnknownKey,
        `unknown step '${e.key}'; did you mean '${close}'?`,
        ctx.span(e.keyNode, span),
      );
      return;
    }
  }
  ctx.report(Codes.yamlShape, `a step needs one of the keys ${KINDS.join(', ')}`, span);
}

/** The value of `key`, or a `yaml-missing-key` report. */
function required(
  ctx: YamlContext,
  keys: Map<string, Entry>,
  key: string,
  kind: string,
  span: Span,
): Entry | undefined {
  const entry = keys.get(key);
  if (entry === undefined) missing(ctx, key, `a '${kind}' step`, span);
  return entry;
}

function stepOf(
  ctx: YamlContext,
  kind: StepKind,
  node: YAMLMap,
  keys: Map<string, Entry>,
  span: Span,
  depth: number,
): Stmt | undefined {
  const head = keys.get(kind) as Entry;
  const at = (e: Entry): Span => ctx.span(e.keyNode, span);
  const opt = <T>(key: string, read: (e: Entry) => T | undefined): { ok: boolean; value?: T } => {
    const e = keys.get(key);
    if (e === undefined) return { ok: true };
    const value = read(e);
    return { ok: value !== undefined, value };
  };
  const body = (e: Entry): Stmt[] | undefined => steps(ctx, e.value, `'${e.key}'`, at(e), depth + 1);
  switch (kind) {
    case 'let':
    case 'set': {
      const name = binding(ctx, head.value, `'${kind}'`, at(head));
      const valueEntry = required(ctx, keys, 'value', kind, span);
      const value = valueEntry && expression(ctx, valueEntry.value, "'value'", at(valueEntry));
      return name && value && { kind, name, value, span };
    }
    case 'call': {
      const action = qualifiedName(ctx, head.value, "'call'", at(head));
      const bind = opt('as', (e) => binding(ctx, e.value, "'as'", at(e)));
      const args = opt('with', (e) => namedArgs(ctx, e.value, "'with'", at(e), depth + 1));
      const retry = opt('retry', (e) => retrySpec(ctx, e));
      const timeout = opt('timeout', (e) => durationLit(ctx, e.value, "'timeout'", at(e)));
      if (!action || !bind.ok || !args.ok || !retry.ok || !timeout.ok) return undefined;
      return {
        kind: 'call',
        ...(bind.value && { bind: bind.value }),
        action,
        args: args.value ?? [],
        ...(retry.value && { retry: retry.value }),
        ...(timeout.value && { timeout: timeout.value }),
        span,
      };
    }
    case 'if':
      return ifChain(ctx, node, keys, span, depth);
    case 'sleep': {
      const duration = expression(ctx, head.value, "'sleep'", at(head));
      return duration && { kind: 'sleep', duration, span };
    }
    case 'sleep_until': {
      const time = expression(ctx, head.value, "'sleep_until'", at(head));
      return time && { kind: 'sleep_until', time, span };
    }
    case 'wait':
    case 'approve': {
      const as = opt('as', (e) => binding(ctx, e.value, "'as'", at(e)));
      const within = opt('within', (e) => durationLit(ctx, e.value, "'within'", at(e)));
      const onTimeout = opt('on_timeout', body);
      if (kind === 'wait') {
        const event = qualifiedName(ctx, head.value, "'wait'", at(head));
        const where = opt('where', (e) => expression(ctx, e.value, "'where'", at(e)));
        if (!event || !as.ok || !where.ok || !within.ok || !onTimeout.ok) return undefined;
        return {
          kind: 'wait',
          event,
          ...(as.value && { as: as.value }),
          ...(where.value && { where: where.value }),
          ...(within.value && { within: within.value }),
          ...(onTimeout.value && { onTimeout: onTimeout.value }),
          span,
        };
      }
      const description = template(ctx, head.value, "'approve'", at(head));
      const by = opt('by', (e) => template(ctx, e.value, "'by'", at(e)));
      if (!description || !by.ok || !as.ok || !within.ok || !onTimeout.ok) return undefined;
      return {
        kind: 'approve',
        description,
        ...(by.value && { by: by.value }),
        ...(as.value && { as: as.value }),
        ...(within.value && { within: within.value }),
        ...(onTimeout.value && { onTimeout: onTimeout.value }),
        span,
      };
    }
    case 'wait_first':
      return waitFirstStep(ctx, keys, span, (n, what, where) => steps(ctx, n, what, where, depth + 1));
    case 'parallel':
      return parallel(ctx, head, span, depth);
    case 'for_each': {
      const name = binding(ctx, head.value, "'for_each'", at(head));
      const listEntry = required(ctx, keys, 'in', kind, span);
      const list = listEntry && expression(ctx, listEntry.value, "'in'", at(listEntry));
      const doEntry = required(ctx, keys, 'do', kind, span);
      const stmts = doEntry && body(doEntry);
      return name && list && stmts && { kind: 'for_each', name, list, body: stmts, span };
    }
    case 'emit': {
      const event = qualifiedName(ctx, head.value, "'emit'", at(head));
      const fields = opt('with', (e) => namedArgs(ctx, e.value, "'with'", at(e), depth + 1));
      if (!event || !fields.ok) return undefined;
      return { kind: 'emit', event, fields: fields.value ?? [], span };
    }
    case 'log': {
      const message = template(ctx, head.value, "'log'", at(head));
      return message && { kind: 'log', message, span };
    }
    case 'stop': {
      // `stop:` / `stop: null` is a stop without a message; `stop: ""` has an empty one.
      if (isScalar(head.value) && head.value.value === null) return { kind: 'stop', span };
      const message = template(ctx, head.value, "'stop'", at(head));
      return message && { kind: 'stop', message, span };
    }
    case 'fail': {
      const message = template(ctx, head.value, "'fail'", at(head));
      return message && { kind: 'fail', message, span };
    }
  }
}

/** `retry: { attempts, every, backoff }`, or `retry: N` for just the attempts. */
function retrySpec(ctx: YamlContext, entry: Entry): RetrySpec | undefined {
  const span = ctx.pairSpan(entry.pair);
  const at = ctx.span(entry.keyNode, span);
  if (isScalar(entry.value) && typeof entry.value.value === 'number') {
    return { attempts: entry.value.value, span };
  }
  const map = asMap(ctx, entry.value, "'retry'", at);
  if (!map) return undefined;
  const keys = knownEntries(ctx, map, ['attempts', 'every', 'backoff'], "'retry'", span);
  const attemptsEntry = keys.get('attempts');
  if (attemptsEntry === undefined) {
    missing(ctx, 'attempts', "'retry'", ctx.span(map, span));
    return undefined;
  }
  const attempts = numberOf(ctx, attemptsEntry.value, "'attempts'", at);
  const everyEntry = keys.get('every');
  const every = everyEntry && durationLit(ctx, everyEntry.value, "'every'", at);
  const backoffEntry = keys.get('backoff');
  const backoff = backoffEntry && numberOf(ctx, backoffEntry.value, "'backoff'", at);
  if (attempts === undefined || (everyEntry && !every) || (backoffEntry && backoff === undefined))
    return undefined;
  return {
    attempts,
    ...(every && { every }),
    ...(backoff !== undefined && { backoff }),
    span,
  };
}

/** `parallel: [[...], [...]]`: each branch is a list of steps. */
function parallel(ctx: YamlContext, head: Entry, span: Span, depth: number): Stmt | undefined {
  const at = ctx.span(head.keyNode, span);
  if (!isSeq(head.value)) {
    ctx.shape(
      `'parallel' must be a list of branches (each a list of steps), found ${describe(head.value)}`,
      head.value,
      at,
    );
    return undefined;
  }
  // As in the DSL, where `parallel end` is a syntax error: a parallel step has a branch at least.
  if (head.value.items.length === 0) {
    ctx.shape("'parallel' needs at least one branch", head.value, at);
    return undefined;
  }
  const branches: Stmt[][] = [];
  let ok = true;
  for (const raw of head.value.items) {
    const branch = ctx.resolve(raw);
    const stmts = branch === undefined ? undefined : steps(ctx, branch, 'a parallel branch', at, depth + 1);
    if (stmts === undefined) ok = false;
    else branches.push(stmts);
  }
  return ok ? { kind: 'parallel', branches, span } : undefined;
}

type Branch = { readonly cond: Expr; readonly body: readonly Stmt[]; readonly span: Span };

/** An `if` step and the `else: [ { if: ... } ]` chain below it, flattened into branches. */
function ifChain(
  ctx: YamlContext,
  node: YAMLMap,
  first: Map<string, Entry>,
  span: Span,
  depth: number,
): Stmt | undefined {
  const branches: Branch[] = [];
  let ok = true;
  let keys = first;
  let at = span;
  let elseBody: Stmt[] | undefined;
  for (;;) {
    const head = keys.get('if') as Entry;
    const cond = expression(ctx, head.value, "'if'", ctx.span(head.keyNode, at));
    const thenEntry = required(ctx, keys, 'then', 'if', at);
    const body =
      thenEntry && steps(ctx, thenEntry.value, "'then'", ctx.span(thenEntry.keyNode, at), depth + 1);
    if (cond && body && thenEntry) {
      branches.push({ cond, body, span: joinSpans(ctx.pairSpan(head.pair), ctx.pairSpan(thenEntry.pair)) });
    } else {
      ok = false;
    }
    const elseEntry = keys.get('else');
    if (elseEntry === undefined) break;
    const next = elseIf(ctx, elseEntry.value);
    if (next === undefined) {
      elseBody = steps(ctx, elseEntry.value, "'else'", ctx.span(elseEntry.keyNode, at), depth + 1);
      if (elseBody === undefined) ok = false;
      break;
    }
    at = ctx.span(next, at);
    keys = knownEntries(ctx, next, STEP_KEYS.if, "an 'if' step", at);
  }
  if (!ok) return undefined;
  return { kind: 'if', branches, ...(elseBody && { else: elseBody }), span: ctx.span(node, span) };
}

/** The `if` step of an `else:` list that holds exactly one step and that step is an `if`. */
function elseIf(ctx: YamlContext, node: Node | undefined): YAMLMap | undefined {
  if (!isSeq(node) || node.items.length !== 1) return undefined;
  const only = ctx.resolve(node.items[0]);
  if (!isMap(only)) return undefined;
  // Look at the keys without reporting anything: the step is read (and checked) once, later.
  const keys = only.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : ''));
  return keys.includes('if') && !keys.some((k) => k !== 'if' && isKind(k)) ? only : undefined;
}
