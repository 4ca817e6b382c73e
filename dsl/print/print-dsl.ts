/**
 * The canonical DSL formatter: `opsflow fmt`, and the DSL side of YAML ⇄ DSL translation.
 *
 * Layout follows LANGUAGE.md: two-space indentation, one clause per line between the rule header
 * and `do`, nested blocks closed by `end`, a blank line between declarations. The output parses
 * back to the same AST (spans aside, comments included), and formatting is idempotent.
 *
 * Comments (see `ast/ast.ts`): leading lines at the node's indentation, a trailing comment two
 * spaces after the node's first line, comments before `do`, `else`, `else if`, `compensate`,
 * `branch` and `on timeout` at that word's indentation, and comments before an `end` or `}` at the
 * indentation of the block it closes. Comments the DSL has no place for (on the fields of an
 * action's parameters or of an object type, which print on one line) are printed before their node.
 */
import type {
  ActionDecl,
  Clause,
  Decl,
  DurationLit,
  EventDecl,
  FieldDecl,
  RuleDecl,
  SourceFile,
  Stmt,
} from '../ast/ast';
import { commentSource } from '../ast/attach-comments';
import {
  closingComments,
  fieldComments,
  stmtComments,
  stmtTrailingComment,
  typeComments,
} from './print-comments';
import { printExpr, printFieldName, printType, quote } from './print-expr';

export { printExpr, printType } from './print-expr';

const INDENT = '  ';

/** Words that begin a statement: a `stop` message starting with one needs parentheses. */
const STATEMENT_WORDS = new Set([
  'let', 'set', 'call', 'if', 'else', 'end', 'sleep', 'wait', 'approve', 'parallel', 'for', 'emit', 'log', 'stop',
  'fail', 'branch', 'compensate',
]); // prettier-ignore

/**
 * Formats a whole source file as DSL text (ending with a newline, or empty for a file with neither
 * declarations nor comments).
 */
export function printDsl(file: SourceFile): string {
  const parts = file.decls.map((d) => `${printDecl(d)}\n`);
  const trailing = commentLines(file.trailingComments, '');
  if (trailing.length > 0) parts.push(`${trailing.join('\n')}\n`);
  return parts.join('\n');
}

/** Comment lines at indentation `pad`. */
function commentLines(comments: readonly string[] | undefined, pad: string): string[] {
  return (comments ?? []).map((c) => pad + commentSource(c));
}

/** `line`, with a trailing comment if there is one. */
function trailed(line: string, comment: string | undefined): string {
  return comment === undefined ? line : `${line}  ${commentSource(comment)}`;
}

/** Formats one declaration with its comments (no trailing newline). */
export function printDecl(d: Decl): string {
  switch (d.kind) {
    case 'event':
      return printEvent(d);
    case 'action':
      return printAction(d);
    case 'rule':
      return printRule(d);
  }
}

function printField(f: FieldDecl): string {
  return `${printFieldName(f.name)}: ${printType(f.type)}`;
}

function printEvent(d: EventDecl): string {
  const lines = commentLines(d.comments, '');
  if (d.fields.length === 0 && !d.endComments) {
    lines.push(trailed(`event ${d.name} {}`, d.trailingComment));
    return lines.join('\n');
  }
  lines.push(trailed(`event ${d.name} {`, d.trailingComment));
  for (const f of d.fields) {
    lines.push(...commentLines([...(f.comments ?? []), ...typeComments(f.type)], INDENT));
    lines.push(trailed(INDENT + printField(f), f.trailingComment));
  }
  lines.push(...commentLines(d.endComments, INDENT), '}');
  return lines.join('\n');
}

function printAction(d: ActionDecl): string {
  const result = d.result ? ` -> ${printType(d.result)}` : '';
  const comments = [...(d.comments ?? []), ...fieldComments(d.params), ...typeComments(d.result)];
  const line = `action ${d.name}(${d.params.map(printField).join(', ')})${result}`;
  return [...commentLines(comments, ''), trailed(line, d.trailingComment)].join('\n');
}

function printRule(d: RuleDecl): string {
  const header = d.description !== undefined ? `rule ${d.name} ${quote(d.description)}` : `rule ${d.name}`;
  const lines = [...commentLines(d.comments, ''), trailed(header, d.trailingComment)];
  for (const c of d.clauses) {
    const comments = [...(c.comments ?? []), ...(c.kind === 'manual' ? fieldComments(c.params) : [])];
    lines.push(...commentLines(comments, INDENT), trailed(INDENT + printClause(c), c.trailingComment));
  }
  lines.push(...commentLines(d.doComments, ''), 'do');
  printBlock(d.body, 1, lines);
  if (d.compensate) {
    lines.push(...commentLines(d.compensateComments, ''), 'compensate');
    printBlock(d.compensate, 1, lines);
  }
  // Comments before a `compensate` that is not there stay before the `end` rather than vanish.
  const ending = d.compensate
    ? (d.endComments ?? [])
    : [...(d.compensateComments ?? []), ...(d.endComments ?? [])];
  lines.push(...commentLines(ending, INDENT), 'end');
  return lines.join('\n');
}

function printClause(c: Clause): string {
  switch (c.kind) {
    case 'on':
      return `on ${c.event.name}`;
    case 'every_interval':
      return `every ${c.interval.text}`;
    case 'every_cron':
      return c.timezone !== undefined
        ? `every ${quote(c.cron)} timezone ${quote(c.timezone)}`
        : `every ${quote(c.cron)}`;
    case 'manual':
      return c.params.length === 0 ? 'manual' : `manual(${c.params.map(printField).join(', ')})`;
    case 'when':
      return `when ${printExpr(c.expr)}`;
    case 'key':
      return `key ${printExpr(c.expr)}`;
    case 'concurrency':
      return `concurrency ${c.mode}`;
    case 'timeout':
      return `timeout ${c.duration.text}`;
    case 'disabled':
      return 'disabled';
    case 'debounce':
      return `debounce ${c.quiet.text}${c.max ? ` max ${c.max.text}` : ''}`;
    case 'batch':
      return `batch ${c.size}${within(c.within)}`;
    case 'throttle':
    case 'limit':
      return `${c.kind} ${c.runs} per ${c.per.text}`;
    case 'cancel_on': {
      const as = c.as ? ` as ${c.as.name}` : '';
      return `cancel on ${c.event.name}${as}${c.where ? ` where ${printExpr(c.where)}` : ''}`;
    }
  }
}

function printBlock(stmts: readonly Stmt[], level: number, lines: string[]): void {
  for (const s of stmts) printStmt(s, level, lines);
}

function within(d: DurationLit | undefined): string {
  return d ? ` within ${d.text}` : '';
}

type WithTimeout = Extract<Stmt, { kind: 'wait' | 'approve' }>;

function printOnTimeout(s: WithTimeout, level: number, lines: string[]): void {
  if (!s.onTimeout) return;
  const pad = INDENT.repeat(level + 1);
  lines.push(...commentLines(s.onTimeoutComments, pad), `${pad}on timeout`);
  printBlock(s.onTimeout, level + 2, lines);
  lines.push(...commentLines(s.endComments, pad + INDENT), `${pad}end`);
}

function printStmt(s: Stmt, level: number, lines: string[]): void {
  const pad = INDENT.repeat(level);
  const inner = pad + INDENT;
  lines.push(...commentLines(stmtComments(s), pad));
  const trailing = stmtTrailingComment(s);
  const head = (text: string): void => {
    lines.push(trailed(pad + text, trailing));
  };
  switch (s.kind) {
    case 'let':
    case 'set':
      head(`${s.kind} ${s.name.name} = ${printExpr(s.value)}`);
      return;
    case 'call': {
      const bind = s.bind ? `let ${s.bind.name} = ` : '';
      const args = s.args.map((a) => `${printFieldName(a.name)}: ${printExpr(a.value)}`).join(', ');
      let text = `${bind}call ${s.action.name}(${args})`;
      if (s.retry) {
        text += ` retry ${s.retry.attempts}`;
        if (s.retry.every) text += ` every ${s.retry.every.text}`;
        if (s.retry.backoff !== undefined) text += ` backoff ${s.retry.backoff}`;
      }
      if (s.timeout) text += ` timeout ${s.timeout.text}`;
      head(text);
      return;
    }
    case 'if': {
      s.branches.forEach((b, i) => {
        if (i === 0) head(`if ${printExpr(b.cond)}`);
        else {
          lines.push(...commentLines(b.comments, pad));
          lines.push(trailed(`${pad}else if ${printExpr(b.cond)}`, b.trailingComment));
        }
        printBlock(b.body, level + 1, lines);
      });
      if (s.else) {
        lines.push(...commentLines(s.elseComments, pad), `${pad}else`);
        printBlock(s.else, level + 1, lines);
      }
      lines.push(
        ...commentLines(closingComments(!!s.else, s.elseComments, s.endComments), inner),
        `${pad}end`,
      );
      return;
    }
    case 'sleep':
      head(`sleep ${startsWithWord(s.duration, ['until'])}`);
      return;
    case 'sleep_until':
      head(`sleep until ${printExpr(s.time)}`);
      return;
    case 'wait': {
      const as = s.as ? ` as ${s.as.name}` : '';
      const where = s.where ? ` where ${printExpr(s.where)}` : '';
      head(`wait for ${s.event.name}${as}${where}${within(s.within)}`);
      printOnTimeout(s, level, lines);
      return;
    }
    case 'approve': {
      const by = s.by ? ` by ${printExpr(s.by)}` : '';
      const as = s.as ? ` as ${s.as.name}` : '';
      head(`approve ${printExpr(s.description)}${by}${as}${within(s.within)}`);
      printOnTimeout(s, level, lines);
      return;
    }
    case 'parallel': {
      head('parallel');
      s.branches.forEach((branch, k) => {
        lines.push(...commentLines(s.branchComments?.[k], inner), `${inner}branch`);
        printBlock(branch, level + 2, lines);
      });
      const extra = s.branchComments?.slice(s.branches.length).flat() ?? [];
      lines.push(...commentLines([...extra, ...(s.endComments ?? [])], inner + INDENT), `${pad}end`);
      return;
    }
    case 'for_each':
      head(`for each ${s.name.name} in ${printExpr(s.list)}`);
      printBlock(s.body, level + 1, lines);
      lines.push(...commentLines(s.endComments, inner), `${pad}end`);
      return;
    case 'emit': {
      const fields = s.fields.map((f) => `${printFieldName(f.name)}: ${printExpr(f.value)}`).join(', ');
      head(`emit ${s.event.name} ${fields ? `{ ${fields} }` : '{}'}`);
      return;
    }
    case 'wait_first':
      head('wait for first');
      for (const c of s.cases) {
        const as = c.as ? ` as ${c.as.name}` : '';
        const where = c.where ? ` where ${printExpr(c.where)}` : '';
        lines.push(...commentLines(c.comments, inner));
        lines.push(trailed(`${inner}case ${c.event.name}${as}${where}`, c.trailingComment));
        printBlock(c.body, level + 2, lines);
      }
      if (s.within) {
        lines.push(...commentLines(s.onTimeoutComments, pad), `${pad}within ${s.within.text}`);
        printBlock(s.onTimeout ?? [], level + 1, lines);
      }
      lines.push(
        ...commentLines(closingComments(!!s.within, s.onTimeoutComments, s.endComments), inner),
        `${pad}end`,
      );
      return;
    case 'log':
      head(`log ${printExpr(s.message)}`);
      return;
    case 'stop':
      head(s.message ? `stop ${startsWithWord(s.message, STATEMENT_WORDS)}` : 'stop');
      return;
    case 'fail':
      head(`fail ${printExpr(s.message)}`);
      return;
  }
}

/**
 * Prints `e`, parenthesized when its first word would be read as a keyword in this position
 * (`stop (log)`, `sleep (until)`).
 */
function startsWithWord(e: Parameters<typeof printExpr>[0], words: Iterable<string>): string {
  const text = printExpr(e);
  const first = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text)?.[0];
  return first !== undefined && new Set(words).has(first) ? `(${text})` : text;
}
