/**
 * The YAML front end: reads `*.rule.yaml` files into the same AST the DSL parser produces.
 *
 * A file is a stream of YAML documents (`---`), each one declaration:
 * - a rule: `rule: NAME` with the keys of LANGUAGE.md §6 (clauses, `do`, `compensate`);
 * - an event schema: `event: TYPE` + `fields: { name: TYPE }`;
 * - an action declaration: `action: NAME` + `params: { name: TYPE }` + `result: TYPE-or-mapping`.
 *
 * Nothing here throws for bad input: YAML syntax errors, wrong shapes, unknown and missing keys all
 * become diagnostics located in the YAML file, including inside expression strings.
 */
import { isMap, isScalar, LineCounter, parseAllDocuments } from 'yaml';
import type { Document, EmptyStream, Node, YAMLError, YAMLMap } from 'yaml';
import type {
  ActionDecl,
  Clause,
  ConcurrencyMode,
  Decl,
  DurationLit,
  EventDecl,
  RuleDecl,
  SourceFile,
  Stmt,
} from '../ast/ast';
import type { LocatedComment } from '../ast/attach-comments';
import { attachYamlComments } from './yaml-comments';
import type { YamlDecl } from './yaml-comments';
import { Codes, error, warning } from '../core/diagnostics';
import type { Diagnostic } from '../core/diagnostics';
import type { Span } from '../core/span';
import { didYouMean, suggest } from '../core/suggest';
import { AliasBudgetExceeded, describe, entries, knownEntries, missing, YamlContext } from './context';
import type { Entry } from './context';
import { steps } from './steps';
import { fieldDecls, typeOf } from './typed-fields';
import { binding, durationLit, expression, plainText, qualifiedName } from './scalars';
import { readDuration } from '../core/duration-literal';
import { isV2RuleKey, V2_RULE_KEYS, v2Clause } from './v2';

/** The keys of a rule document, in the order the printer writes them. */
export const RULE_KEYS = [
  'rule',
  'description',
  'on',
  'every',
  'timezone',
  'manual',
  'when',
  'key',
  ...V2_RULE_KEYS,
  'concurrency',
  'timeout',
  'disabled',
  'do',
  'compensate',
] as const;
/** The keys of an event schema document. */
export const EVENT_KEYS = ['event', 'fields'] as const;
/** The keys of an action declaration document. */
export const ACTION_KEYS = ['action', 'params', 'result'] as const;

const CONCURRENCY: readonly ConcurrencyMode[] = ['single', 'replace', 'queue', 'parallel'];

/** YAML errors reported per document; past this, the rest are noise from the first ones. */
const MAX_SYNTAX_ERRORS = 20;

/**
 * Parses a YAML rule file. `file` is the name diagnostics carry (relative to the rule set root).
 * Never throws: every problem is a diagnostic, and a document with YAML syntax errors contributes
 * no declaration. Comments are attached to the declarations' nodes (see `ast/ast.ts`).
 */
export function parseYaml(file: string, text: string): { file: SourceFile; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const decls: Decl[] = [];
  const lines = new LineCounter();
  const spanAt = (start: number, end: number): Span => {
    const a = lines.linePos(start);
    const b = lines.linePos(Math.max(start, end));
    return {
      file,
      line: Math.max(1, a.line),
      column: Math.max(1, a.col),
      endLine: Math.max(1, b.line),
      endColumn: Math.max(1, b.col),
    };
  };
  const syntax = (errors: readonly YAMLError[], severity: 'error' | 'warning'): void => {
    // The first problem on a line is the real one; the rest of the line usually cascades from it.
    const seenLines = new Set<number>();
    for (const e of errors) {
      if (seenLines.size >= MAX_SYNTAX_ERRORS) break;
      const span = spanAt(e.pos[0], e.pos[1]);
      if (seenLines.has(span.line)) continue;
      seenLines.add(span.line);
      const make = severity === 'error' ? error : warning;
      diagnostics.push(make(Codes.yamlSyntax, e.message + syntaxHint(text, e), span));
    }
  };
  let docs: Document.Parsed[] | EmptyStream;
  try {
    docs = parseAllDocuments(text, { lineCounter: lines, keepSourceTokens: true, prettyErrors: false });
  } catch (e) {
    // `yaml` reports its own problems as errors; this guards the never-throw promise regardless.
    const message = `this file cannot be read as YAML: ${e instanceof Error ? e.message : String(e)}`;
    return {
      file: { file, form: 'yaml', decls },
      diagnostics: [error(Codes.yamlSyntax, message, spanAt(0, 0))],
    };
  }
  if ('empty' in docs) syntax(docs.errors, 'error');
  const placed: YamlDecl[] = [];
  const inExpressions: LocatedComment[] = [];
  for (const doc of docs) {
    syntax(doc.errors, 'error');
    syntax(doc.warnings, 'warning');
    if (doc.errors.length > 0 || isBlank(doc.contents)) continue;
    const ctx = new YamlContext(file, text, lines, doc);
    const start = doc.contents?.range?.[0] ?? 0;
    try {
      const decl = declOf(ctx, doc, spanAt(start, start));
      if (decl) {
        decls.push(decl);
        placed.push({ doc, decl });
      }
    } catch (e) {
      // The alias budget ran out: reported where it did, and this document is not loaded.
      if (e instanceof AliasBudgetExceeded) {
        diagnostics.push(...ctx.diagnostics);
        continue;
      }
      // Input nested too deeply for the stack, or a defect: either way a diagnostic, never a throw.
      const message =
        e instanceof RangeError
          ? 'this document is nested too deeply to read'
          : `internal error while reading this document: ${e instanceof Error ? e.message : String(e)}`;
      ctx.report(
        e instanceof RangeError ? Codes.nestingTooDeep : Codes.internalError,
        message,
        spanAt(start, start),
      );
    }
    diagnostics.push(...ctx.diagnostics);
    inExpressions.push(...ctx.exprComments);
  }
  let trailingComments: string[] | undefined;
  try {
    trailingComments = attachYamlComments(text, placed, inExpressions);
  } catch (e) {
    const message = `internal error while reading comments: ${e instanceof Error ? e.message : String(e)}`;
    diagnostics.push(error(Codes.internalError, message, spanAt(0, 0)));
  }
  return { file: { file, form: 'yaml', decls, ...(trailingComments && { trailingComments }) }, diagnostics };
}

/**
 * Advice for the two YAML mistakes rule authors make most: an unquoted `${...}` inside a flow
 * collection (`{ text: PO ${id} }`, where `{` starts a mapping) and `\$` in double quotes (which
 * YAML rejects before the template ever sees it).
 */
function syntaxHint(text: string, e: YAMLError): string {
  const lineStart = text.lastIndexOf('\n', e.pos[0] - 1) + 1;
  const before = text.slice(lineStart, e.pos[1]);
  if (e.message.includes('\\$'))
    return "; in double quotes write '\\\\${' for a literal '${', or use single quotes";
  if (before.includes('${')) return '; inside { } or [ ], quote a value that uses ${...}: "PO ${po.id}"';
  return '';
}

/** A document with nothing in it (`---` followed by `---`, or only comments). */
function isBlank(contents: Node | null): boolean {
  if (contents === null) return true;
  return isScalar(contents) && contents.value === null && contents.range?.[0] === contents.range?.[1];
}

function declOf(ctx: YamlContext, doc: Document.Parsed, at: Span): Decl | undefined {
  const root = ctx.resolve(doc.contents);
  if (!isMap(root)) {
    ctx.shape(
      `a document must be a mapping with 'rule:', 'event:' or 'action:', found ${describe(root)}`,
      root,
      at,
    );
    return undefined;
  }
  const span = ctx.span(root, at);
  const all = entries(ctx, root, span);
  const kinds = all.filter((e) => e.key === 'rule' || e.key === 'event' || e.key === 'action');
  if (kinds.length === 0) {
    for (const e of all) {
      const close = suggest(e.key, ['rule', 'event', 'action']);
      if (close !== undefined) {
        ctx.report(
          Codes.yamlUnknownKey,
          `unknown key '${e.key}'; did you mean '${close}'?`,
          ctx.span(e.keyNode, span),
        );
        return undefined;
      }
    }
    missing(ctx, 'rule', "a document (a rule, or 'event:' / 'action:' for a declaration)", span);
    return undefined;
  }
  if (kinds.length > 1) {
    ctx.shape(
      `a document declares one thing, found ${kinds.map((k) => `'${k.key}'`).join(' and ')}; separate documents with '---'`,
      kinds[1].keyNode,
      span,
    );
    return undefined;
  }
  switch (kinds[0].key) {
    case 'rule':
      return ruleDecl(ctx, root, span);
    case 'event':
      return eventDecl(ctx, root, span);
    default:
      return actionDecl(ctx, root, span);
  }
}

function ruleDecl(ctx: YamlContext, root: YAMLMap, span: Span): RuleDecl | undefined {
  const keys = knownEntries(ctx, root, RULE_KEYS, 'a rule', span);
  const head = keys.get('rule') as Entry;
  const at = (e: Entry): Span => ctx.span(e.keyNode, span);
  const name = binding(ctx, head.value, 'a rule name', at(head));
  let ok = name !== undefined;
  const descEntry = keys.get('description');
  const description = descEntry && plainText(ctx, descEntry.value, "'description'", at(descEntry));
  if (descEntry && description === undefined) ok = false;

  const clauses: Clause[] = [];
  for (const entry of keys.values()) {
    if (entry.key === 'timezone') {
      if (!keys.has('every')) {
        ctx.shape("'timezone' needs an 'every:' cron schedule", entry.keyNode, span);
        ok = false;
      }
      continue;
    }
    const clause = clauseOf(ctx, entry, keys.get('timezone'), span);
    if (clause === null) continue;
    if (clause === undefined) ok = false;
    else clauses.push(clause);
  }

  const doEntry = keys.get('do');
  let body: Stmt[] | undefined;
  if (doEntry === undefined) {
    missing(ctx, 'do', `rule '${name?.name ?? ''}'`, ctx.pairSpan(head.pair));
    ok = false;
  } else {
    body = steps(ctx, doEntry.value, "'do'", at(doEntry), 1);
  }
  const compEntry = keys.get('compensate');
  const compensate = compEntry && steps(ctx, compEntry.value, "'compensate'", at(compEntry), 1);
  if (!ok || !name || !body || (compEntry && !compensate)) return undefined;
  return {
    kind: 'rule',
    name: name.name,
    nameSpan: name.span,
    ...(description !== undefined && { description }),
    clauses,
    body,
    ...(compensate && { compensate }),
    span,
  };
}

/**
 * The clause a rule key stands for; `null` for keys that are not clauses (`rule`, `do`, ...) and
 * for `disabled: false`; `undefined` after a report.
 */
function clauseOf(
  ctx: YamlContext,
  entry: Entry,
  timezone: Entry | undefined,
  ruleSpan: Span,
): Clause | null | undefined {
  const span = ctx.pairSpan(entry.pair);
  const at = ctx.span(entry.keyNode, ruleSpan);
  const what = `'${entry.key}'`;
  switch (entry.key) {
    case 'on': {
      const event = qualifiedName(ctx, entry.value, what, at);
      return event && { kind: 'on', event, span };
    }
    case 'every':
      return everyClause(ctx, entry, timezone, span);
    case 'manual': {
      const params = fieldDecls(ctx, entry.value, what, at);
      return params && { kind: 'manual', params, span };
    }
    case 'when': {
      const expr = expression(ctx, entry.value, what, at);
      return expr && { kind: 'when', expr, span };
    }
    case 'key': {
      const expr = expression(ctx, entry.value, what, at);
      return expr && { kind: 'key', expr, span };
    }
    case 'concurrency': {
      const mode = isScalar(entry.value) ? String(entry.value.value) : '';
      if (!(CONCURRENCY as readonly string[]).includes(mode)) {
        const hint = didYouMean(mode, CONCURRENCY);
        ctx.shape(`'concurrency' must be one of ${CONCURRENCY.join(', ')}${hint}`, entry.value, at);
        return undefined;
      }
      return { kind: 'concurrency', mode: mode as ConcurrencyMode, span };
    }
    case 'timeout': {
      const duration = durationLit(ctx, entry.value, what, at);
      return duration && { kind: 'timeout', duration, span };
    }
    case 'disabled': {
      const value = isScalar(entry.value) ? entry.value.value : undefined;
      if (typeof value !== 'boolean') {
        ctx.shape(`'disabled' must be true or false, found ${describe(entry.value)}`, entry.value, at);
        return undefined;
      }
      return value ? { kind: 'disabled', span } : null;
    }
    default:
      return isV2RuleKey(entry.key) ? v2Clause(ctx, { ...entry, key: entry.key }, ruleSpan) : null;
  }
}

/** `every: 15m` is an interval; any other text is a cron expression (checked by the checker). */
function everyClause(
  ctx: YamlContext,
  entry: Entry,
  timezone: Entry | undefined,
  span: Span,
): Clause | undefined {
  const at = ctx.span(entry.keyNode, span);
  const node: Node | undefined = entry.value;
  const reading = isScalar(node) && typeof node.value === 'string' ? readDuration(node.value) : undefined;
  if (isScalar(node) && reading && 'ms' in reading) {
    if (timezone) {
      ctx.shape("'timezone' applies only to a cron schedule, not to an interval", timezone.keyNode, span);
      return undefined;
    }
    const interval: DurationLit = { ms: reading.ms, text: String(node.value), span: ctx.span(node, at) };
    return { kind: 'every_interval', interval, span };
  }
  if (!isScalar(node) || typeof node.value !== 'string') {
    ctx.shape(
      `'every' must be a duration like 15m or a cron expression like "0 9 * * 1", found ${describe(node)}`,
      node,
      at,
    );
    return undefined;
  }
  const cron = node.value;
  const cronSpan = ctx.span(node, at);
  if (timezone === undefined) return { kind: 'every_cron', cron, cronSpan, span };
  const tz = plainText(ctx, timezone.value, "'timezone'", ctx.span(timezone.keyNode, span));
  if (tz === undefined) return undefined;
  return {
    kind: 'every_cron',
    cron,
    cronSpan,
    timezone: tz,
    timezoneSpan: ctx.span(timezone.value, at),
    span,
  };
}

function eventDecl(ctx: YamlContext, root: YAMLMap, span: Span): EventDecl | undefined {
  const keys = knownEntries(ctx, root, EVENT_KEYS, 'an event declaration', span);
  const head = keys.get('event') as Entry;
  const name = qualifiedName(ctx, head.value, 'an event type', ctx.span(head.keyNode, span));
  const fieldsEntry = keys.get('fields');
  const fields = fieldsEntry
    ? fieldDecls(ctx, fieldsEntry.value, "'fields'", ctx.span(fieldsEntry.keyNode, span))
    : [];
  if (!name || !fields) return undefined;
  return { kind: 'event', name: name.name, nameSpan: name.span, fields, span };
}

function actionDecl(ctx: YamlContext, root: YAMLMap, span: Span): ActionDecl | undefined {
  const keys = knownEntries(ctx, root, ACTION_KEYS, 'an action declaration', span);
  const head = keys.get('action') as Entry;
  const name = qualifiedName(ctx, head.value, 'an action name', ctx.span(head.keyNode, span));
  const paramsEntry = keys.get('params');
  const params = paramsEntry
    ? fieldDecls(ctx, paramsEntry.value, "'params'", ctx.span(paramsEntry.keyNode, span))
    : [];
  const resultEntry = keys.get('result');
  const result =
    resultEntry && typeOf(ctx, resultEntry.value, "'result'", ctx.span(resultEntry.keyNode, span));
  if (!name || !params || (resultEntry && !result)) return undefined;
  return { kind: 'action', name: name.name, nameSpan: name.span, params, ...(result && { result }), span };
}
