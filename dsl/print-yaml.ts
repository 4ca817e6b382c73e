/**
 * The YAML printer: an AST (from either front end) as canonical YAML, one document per declaration.
 *
 * `parseYaml(printYaml(ast))` gives back the same AST (spans aside) for every AST the YAML form can
 * represent, and printing is idempotent. Expression positions hold `printExpr` text. Template
 * positions hold template text: a string literal prints as its text with `${...}` interpolations,
 * numbers, booleans and null as YAML scalars, list and object literals as YAML lists and mappings,
 * and any other expression as `"${expr}"` (which reads back as that expression, keeping its type).
 */
import type { Clause, Decl, Expr, FieldDecl, RetrySpec, SourceFile, Stmt, StringPart, TypeExpr } from './ast';
import { printExpr } from './print-dsl';
import { emitDocument, numberScalar, quotedScalar, rawScalar, sourceScalar, stringScalar } from './yaml-emit';
import type { YNode } from './yaml-emit';
import { printTypeText } from './yaml-types';

type Entries = (readonly [string, YNode])[];

/** The file as YAML: each declaration is one document, separated by `---`. */
export function printYaml(file: SourceFile): string {
  return file.decls.map((decl) => emitDocument(declNode(decl))).join('---\n');
}

const map = (entries: Entries): YNode => ({ t: 'map', entries });
const seq = (items: YNode[]): YNode => ({ t: 'seq', items });

function declNode(decl: Decl): YNode {
  switch (decl.kind) {
    case 'rule': {
      const entries: Entries = [['rule', stringScalar(decl.name)]];
      if (decl.description !== undefined) entries.push(['description', stringScalar(decl.description)]);
      for (const clause of decl.clauses) entries.push(...clauseEntries(clause));
      entries.push(['do', stepsNode(decl.body)]);
      if (decl.compensate) entries.push(['compensate', stepsNode(decl.compensate)]);
      return map(entries);
    }
    case 'event':
      return map([
        ['event', stringScalar(decl.name)],
        ['fields', fieldsNode(decl.fields)],
      ]);
    case 'action': {
      const entries: Entries = [
        ['action', stringScalar(decl.name)],
        ['params', fieldsNode(decl.params)],
      ];
      if (decl.result) entries.push(['result', typeNode(decl.result)]);
      return map(entries);
    }
  }
}

function clauseEntries(clause: Clause): Entries {
  switch (clause.kind) {
    case 'on':
      return [['on', stringScalar(clause.event.name)]];
    case 'every_interval':
      return [['every', stringScalar(clause.interval.text)]];
    case 'every_cron': {
      const entries: Entries = [['every', quotedScalar(clause.cron)]];
      if (clause.timezone !== undefined) entries.push(['timezone', stringScalar(clause.timezone)]);
      return entries;
    }
    case 'manual':
      return [['manual', fieldsNode(clause.params)]];
    case 'when':
    case 'key':
      return [[clause.kind, exprNode(clause.expr)]];
    case 'concurrency':
      return [['concurrency', stringScalar(clause.mode)]];
    case 'timeout':
      return [['timeout', stringScalar(clause.duration.text)]];
    case 'disabled':
      return [['disabled', rawScalar('true')]];
  }
}

function fieldsNode(fields: readonly FieldDecl[]): YNode {
  return map(fields.map((f) => [f.name, typeNode(f.type)] as const));
}

/** A non-optional inline object is a nested mapping; every other type is type text. */
function typeNode(type: TypeExpr): YNode {
  if (type.kind === 'object' && !type.optional) return fieldsNode(type.fields);
  return stringScalar(printTypeText(type));
}

/** An expression position. */
function exprNode(expr: Expr): YNode {
  return sourceScalar(printExpr(expr));
}

/**
 * The parts of a string literal as template text, or `undefined` when template text cannot say it.
 * `parseTemplate` reads `\$` as `$` and every other backslash literally, so a `$` is escaped when
 * it starts `${` or follows a literal backslash; a literal backslash right before an interpolation
 * has no spelling at all.
 */
function templateText(parts: readonly StringPart[]): string | undefined {
  let out = '';
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    if (part.kind === 'interp') {
      out += `\${${printExpr(part.expr)}}`;
      continue;
    }
    const t = part.text;
    for (let i = 0; i < t.length; i++) {
      out += t[i] === '$' && (t[i + 1] === '{' || t[i - 1] === '\\') ? '\\$' : t[i];
    }
    if (t.endsWith('\\') && k + 1 < parts.length) return undefined;
  }
  return out;
}

/** A template position. */
function templateNode(expr: Expr): YNode {
  switch (expr.kind) {
    case 'string': {
      // A string that is exactly one `${x}` would read back as `x` itself, so it (and any string
      // template text cannot spell) is written as the string literal inside `${...}`.
      const single = expr.parts.length === 1 && expr.parts[0].kind === 'interp';
      const text = single ? undefined : templateText(expr.parts);
      return text === undefined ? interpolated(expr) : stringScalar(text);
    }
    case 'number':
      return numberScalar(expr.raw) ?? interpolated(expr);
    case 'bool':
      return rawScalar(String(expr.value));
    case 'null':
      return rawScalar('null');
    case 'list':
      return seq(expr.items.map(templateNode));
    case 'object': {
      // A YAML mapping cannot repeat a key; such an object (the checker rejects it) stays DSL text.
      const names = expr.fields.map((f) => f.name);
      if (new Set(names).size !== names.length) return interpolated(expr);
      return map(expr.fields.map((f) => [f.name, templateNode(f.value)] as const));
    }
    default:
      return interpolated(expr);
  }
}

function interpolated(expr: Expr): YNode {
  return stringScalar(`\${${printExpr(expr)}}`);
}

function stepsNode(stmts: readonly Stmt[]): YNode {
  return seq(stmts.map(stepNode));
}

function optional(entries: Entries, key: string, node: YNode | undefined): void {
  if (node !== undefined) entries.push([key, node]);
}

function stepNode(stmt: Stmt): YNode {
  switch (stmt.kind) {
    case 'let':
    case 'set':
      return map([
        [stmt.kind, stringScalar(stmt.name.name)],
        ['value', exprNode(stmt.value)],
      ]);
    case 'call': {
      const entries: Entries = [['call', stringScalar(stmt.action.name)]];
      optional(entries, 'as', stmt.bind && stringScalar(stmt.bind.name));
      if (stmt.args.length > 0)
        entries.push(['with', map(stmt.args.map((a) => [a.name, templateNode(a.value)] as const))]);
      optional(entries, 'retry', stmt.retry && retryNode(stmt.retry));
      optional(entries, 'timeout', stmt.timeout && stringScalar(stmt.timeout.text));
      return map(entries);
    }
    case 'if':
      return ifNode(stmt.branches, stmt.else);
    case 'sleep':
      return map([['sleep', exprNode(stmt.duration)]]);
    case 'sleep_until':
      return map([['sleep_until', exprNode(stmt.time)]]);
    case 'wait': {
      const entries: Entries = [['wait', stringScalar(stmt.event.name)]];
      optional(entries, 'as', stmt.as && stringScalar(stmt.as.name));
      optional(entries, 'where', stmt.where && exprNode(stmt.where));
      optional(entries, 'within', stmt.within && stringScalar(stmt.within.text));
      optional(entries, 'on_timeout', stmt.onTimeout && stepsNode(stmt.onTimeout));
      return map(entries);
    }
    case 'approve': {
      const entries: Entries = [['approve', templateNode(stmt.description)]];
      optional(entries, 'by', stmt.by && templateNode(stmt.by));
      optional(entries, 'as', stmt.as && stringScalar(stmt.as.name));
      optional(entries, 'within', stmt.within && stringScalar(stmt.within.text));
      optional(entries, 'on_timeout', stmt.onTimeout && stepsNode(stmt.onTimeout));
      return map(entries);
    }
    case 'parallel':
      return map([['parallel', seq(stmt.branches.map(stepsNode))]]);
    case 'for_each':
      return map([
        ['for_each', stringScalar(stmt.name.name)],
        ['in', exprNode(stmt.list)],
        ['do', stepsNode(stmt.body)],
      ]);
    case 'emit': {
      const entries: Entries = [['emit', stringScalar(stmt.event.name)]];
      if (stmt.fields.length > 0)
        entries.push(['with', map(stmt.fields.map((f) => [f.name, templateNode(f.value)] as const))]);
      return map(entries);
    }
    case 'log':
      return map([['log', templateNode(stmt.message)]]);
    case 'stop':
      // `- stop` has no message; `stop: null` would read back as no message too, so a null
      // message is written as an interpolation.
      if (stmt.message === undefined) return rawScalar('stop');
      return map([
        ['stop', stmt.message.kind === 'null' ? interpolated(stmt.message) : templateNode(stmt.message)],
      ]);
    case 'fail':
      return map([['fail', templateNode(stmt.message)]]);
  }
}

function retryNode(retry: RetrySpec): YNode {
  const entries: Entries = [['attempts', rawScalar(String(retry.attempts))]];
  optional(entries, 'every', retry.every && stringScalar(retry.every.text));
  optional(entries, 'backoff', retry.backoff !== undefined ? rawScalar(String(retry.backoff)) : undefined);
  return map(entries);
}

type Branch = { readonly cond: Expr; readonly body: readonly Stmt[] };

/** `if` / `then` / `else`, with every further branch as an `if` step alone in the `else` list. */
function ifNode(branches: readonly Branch[], elseBody: readonly Stmt[] | undefined): YNode {
  const [first, ...rest] = branches;
  const entries: Entries = [
    ['if', exprNode(first.cond)],
    ['then', stepsNode(first.body)],
  ];
  if (rest.length > 0) entries.push(['else', seq([ifNode(rest, elseBody)])]);
  else if (elseBody !== undefined) entries.push(['else', stepsNode(elseBody)]);
  return map(entries);
}
