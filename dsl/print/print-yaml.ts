/**
 * The YAML printer: an AST (from either front end) as canonical YAML, one document per declaration.
 *
 * `parseYaml(printYaml(ast))` gives back the same AST (spans aside) for every AST the YAML form can
 * represent, and printing is idempotent. Expression positions hold `printExpr` text. Template
 * positions hold template text: a string literal prints as its text with `${...}` interpolations,
 * numbers, booleans and null as YAML scalars, list and object literals as YAML lists and mappings,
 * and any other expression as `"${expr}"` (which reads back as that expression, keeping its type).
 *
 * Comments (see `ast/ast.ts`) are written where the YAML reader finds them again: a declaration's
 * before its document, a node's before its first entry (or its `- ` item) and after that line,
 * comments before `do`, `compensate`, `else`, `else if` and `on timeout` before the key
 * `do:`, `compensate:`, `else:`, `on_timeout:`, those before `branch` before the branch's item, and
 * those before an `end` (or an event's `}`) after the last block's items, at their indentation.
 */
import type {
  Clause,
  Decl,
  Expr,
  FieldDecl,
  RetrySpec,
  SourceFile,
  Stmt,
  StringPart,
  TypeExpr,
} from '../ast/ast';
import { printExpr } from './print-dsl';
import {
  closingComments,
  fieldComments,
  stmtComments,
  stmtTrailingComment,
  typeComments,
} from './print-comments';
import {
  commentBlock,
  emitDocument,
  numberScalar,
  quotedScalar,
  rawScalar,
  sourceScalar,
  stringScalar,
  withNotes,
} from './yaml-emit';
import type { YNode } from './yaml-emit';
import { printTypeText } from '../yaml/typed-fields';

type Entries = (readonly [string, YNode])[];

/** The file as YAML: each declaration is one document, separated by `---`. */
export function printYaml(file: SourceFile): string {
  const docs = file.decls.map((decl) => lines(declComments(decl)) + emitDocument(declNode(decl)));
  return docs.join('---\n') + lines(file.trailingComments);
}

function lines(comments: readonly string[] | undefined): string {
  return commentBlock(comments)
    .map((line) => `${line}\n`)
    .join('');
}

function declComments(decl: Decl): string[] {
  const own = decl.comments ?? [];
  return decl.kind === 'action'
    ? [...own, ...fieldComments(decl.params), ...typeComments(decl.result)]
    : [...own];
}

const map = (entries: Entries): YNode => ({ t: 'map', entries });
const seq = (items: YNode[]): YNode => ({ t: 'seq', items });

/** `entries` with notes added to the value of entry `index` (the last one for -1). */
function noted(entries: Entries, index: number, notes: Parameters<typeof withNotes>[1]): Entries {
  const i = index < 0 ? entries.length + index : index;
  const entry = entries[i];
  if (entry === undefined) return entries;
  const copy = [...entries];
  copy[i] = [entry[0], withNotes(entry[1], notes)];
  return copy;
}

function declNode(decl: Decl): YNode {
  const head = (key: string): readonly [string, YNode] => [
    key,
    withNotes(stringScalar(decl.name), { trailing: decl.trailingComment }),
  ];
  switch (decl.kind) {
    case 'rule': {
      const entries: Entries = [head('rule')];
      if (decl.description !== undefined) entries.push(['description', stringScalar(decl.description)]);
      for (const clause of decl.clauses) {
        const before = [...(clause.comments ?? []), ...(clause.kind === 'manual' ? fieldComments(clause.params) : [])]; // prettier-ignore
        entries.push(...noted(clauseEntries(clause), 0, { before, trailing: clause.trailingComment }));
      }
      const end = closingComments(!!decl.compensate, decl.compensateComments, decl.endComments);
      const body = withNotes(stepsNode(decl.body), { before: decl.doComments });
      entries.push(['do', decl.compensate ? body : withNotes(body, { after: end })]);
      if (decl.compensate) {
        const notes = { before: decl.compensateComments, after: end };
        entries.push(['compensate', withNotes(stepsNode(decl.compensate), notes)]);
      }
      return map(entries);
    }
    case 'event':
      return map([
        head('event'),
        ['fields', withNotes(fieldsNode(decl.fields, true), { after: decl.endComments })],
      ]);
    case 'action': {
      const entries: Entries = [head('action'), ['params', fieldsNode(decl.params)]];
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
    case 'debounce': {
      const quiet = stringScalar(clause.quiet.text);
      if (!clause.max) return [['debounce', quiet]];
      return [
        [
          'debounce',
          map([
            ['quiet', quiet],
            ['max', stringScalar(clause.max.text)],
          ]),
        ],
      ];
    }
    case 'batch': {
      const size = rawScalar(String(clause.size));
      if (!clause.within) return [['batch', size]];
      return [
        [
          'batch',
          map([
            ['size', size],
            ['within', stringScalar(clause.within.text)],
          ]),
        ],
      ];
    }
    case 'throttle':
    case 'limit':
      return [
        [
          clause.kind,
          map([
            ['runs', rawScalar(String(clause.runs))],
            ['per', stringScalar(clause.per.text)],
          ]),
        ],
      ];
    case 'cancel_on': {
      const entries: Entries = [['event', stringScalar(clause.event.name)]];
      optional(entries, 'as', clause.as && stringScalar(clause.as.name));
      optional(entries, 'where', clause.where && exprNode(clause.where));
      return [['cancel_on', map(entries)]];
    }
  }
}

/** `name: type` entries; with `commented`, each with its field's comments (an event's fields). */
function fieldsNode(fields: readonly FieldDecl[], commented = false): YNode {
  return map(
    fields.map((f) => {
      if (!commented) return [f.name, typeNode(f.type)] as const;
      const before = [...(f.comments ?? []), ...typeComments(f.type)];
      return [f.name, withNotes(typeNode(f.type), { before, trailing: f.trailingComment })] as const;
    }),
  );
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
  return seq(
    stmts.map((s) => withNotes(stepNode(s), { before: stmtComments(s), trailing: stmtTrailingComment(s) })),
  );
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
      return ifNode(stmt, 0);
    case 'sleep':
      return map([['sleep', exprNode(stmt.duration)]]);
    case 'sleep_until':
      return map([['sleep_until', exprNode(stmt.time)]]);
    case 'wait': {
      const entries: Entries = [['wait', stringScalar(stmt.event.name)]];
      optional(entries, 'as', stmt.as && stringScalar(stmt.as.name));
      optional(entries, 'where', stmt.where && exprNode(stmt.where));
      optional(entries, 'within', stmt.within && stringScalar(stmt.within.text));
      optional(entries, 'on_timeout', stmt.onTimeout && onTimeoutNode(stmt, stmt.onTimeout));
      return map(entries);
    }
    case 'approve': {
      const entries: Entries = [['approve', templateNode(stmt.description)]];
      optional(entries, 'by', stmt.by && templateNode(stmt.by));
      optional(entries, 'as', stmt.as && stringScalar(stmt.as.name));
      optional(entries, 'within', stmt.within && stringScalar(stmt.within.text));
      optional(entries, 'on_timeout', stmt.onTimeout && onTimeoutNode(stmt, stmt.onTimeout));
      return map(entries);
    }
    case 'parallel': {
      const last = stmt.branches.length - 1;
      const extra = stmt.branchComments?.slice(stmt.branches.length).flat() ?? [];
      const end = [...extra, ...(stmt.endComments ?? [])];
      const branches = stmt.branches.map((b, k) =>
        withNotes(stepsNode(b), { before: stmt.branchComments?.[k], ...(k === last && { after: end }) }),
      );
      // A parallel without branches (which the checker rejects) still keeps its comments.
      return map([['parallel', branches.length > 0 ? seq(branches) : withNotes(seq([]), { after: end })]]);
    }
    case 'for_each':
      return map([
        ['for_each', stringScalar(stmt.name.name)],
        ['in', exprNode(stmt.list)],
        ['do', withNotes(stepsNode(stmt.body), { after: stmt.endComments })],
      ]);
    case 'emit': {
      const entries: Entries = [['emit', stringScalar(stmt.event.name)]];
      if (stmt.fields.length > 0)
        entries.push(['with', map(stmt.fields.map((f) => [f.name, templateNode(f.value)] as const))]);
      return map(entries);
    }
    case 'wait_first': {
      const cases = stmt.cases.map((c) => {
        const entries: Entries = [['event', stringScalar(c.event.name)]];
        optional(entries, 'as', c.as && stringScalar(c.as.name));
        optional(entries, 'where', c.where && exprNode(c.where));
        entries.push(['do', stepsNode(c.body)]);
        return withNotes(map(entries), { before: c.comments, trailing: c.trailingComment });
      });
      const end = closingComments(!!stmt.within, stmt.onTimeoutComments, stmt.endComments);
      const entries: Entries = [
        ['wait_first', stmt.within ? seq(cases) : withNotes(seq(cases), { after: end })],
      ];
      if (stmt.within) {
        entries.push([
          'within',
          withNotes(stringScalar(stmt.within.text), { before: stmt.onTimeoutComments }),
        ]);
        entries.push(['on_timeout', withNotes(stepsNode(stmt.onTimeout ?? []), { after: stmt.endComments })]);
      }
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

function onTimeoutNode(stmt: Extract<Stmt, { kind: 'wait' | 'approve' }>, body: readonly Stmt[]): YNode {
  return withNotes(stepsNode(body), { before: stmt.onTimeoutComments, after: stmt.endComments });
}

type IfStmt = Extract<Stmt, { kind: 'if' }>;

/**
 * `if` / `then` / `else` from branch `from` on, with every further branch as an `if` step alone in
 * the `else` list. The comments before `end` follow the last list.
 */
function ifNode(stmt: IfStmt, from: number): YNode {
  const branch = stmt.branches[from];
  const next = stmt.branches[from + 1];
  const entries: Entries = [
    ['if', exprNode(branch.cond)],
    ['then', stepsNode(branch.body)],
  ];
  if (next) {
    const chained = withNotes(ifNode(stmt, from + 1), { trailing: next.trailingComment });
    return map([...entries, ['else', withNotes(seq([chained]), { before: next.comments })]]);
  }
  if (stmt.else !== undefined) {
    entries.push(['else', withNotes(stepsNode(stmt.else), { before: stmt.elseComments })]);
  }
  return map(
    noted(entries, -1, { after: closingComments(!!stmt.else, stmt.elseComments, stmt.endComments) }),
  );
}
