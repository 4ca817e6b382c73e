/**
 * The canonical DSL formatter: `opsflow fmt`, and the DSL side of YAML ⇄ DSL translation.
 *
 * Layout follows LANGUAGE.md: two-space indentation, one clause per line between the rule header
 * and `do`, nested blocks closed by `end`, a blank line between declarations. Comments are not in
 * the AST, so formatting drops them. The output parses back to the same AST (spans aside), and
 * formatting is idempotent.
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
} from './ast';
import { printExpr, printFieldName, printType, quote } from './print-expr';

export { printExpr, printType } from './print-expr';

const INDENT = '  ';

/** Words that begin a statement: a `stop` message starting with one needs parentheses. */
const STATEMENT_WORDS = new Set([
  'let', 'set', 'call', 'if', 'else', 'end', 'sleep', 'wait', 'approve', 'parallel', 'for', 'emit', 'log', 'stop',
  'fail', 'branch', 'compensate',
]); // prettier-ignore

/** Formats a whole source file as DSL text (ending with a newline, or empty for no declarations). */
export function printDsl(file: SourceFile): string {
  return file.decls.map((d) => `${printDecl(d)}\n`).join('\n');
}

/** Formats one declaration (no trailing newline). */
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
  if (d.fields.length === 0) return `event ${d.name} {}`;
  return [`event ${d.name} {`, ...d.fields.map((f) => INDENT + printField(f)), '}'].join('\n');
}

function printAction(d: ActionDecl): string {
  const result = d.result ? ` -> ${printType(d.result)}` : '';
  return `action ${d.name}(${d.params.map(printField).join(', ')})${result}`;
}

function printRule(d: RuleDecl): string {
  const lines = [d.description !== undefined ? `rule ${d.name} ${quote(d.description)}` : `rule ${d.name}`];
  for (const c of d.clauses) lines.push(INDENT + printClause(c));
  lines.push('do');
  printBlock(d.body, 1, lines);
  if (d.compensate) {
    lines.push('compensate');
    printBlock(d.compensate, 1, lines);
  }
  lines.push('end');
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
  }
}

function printBlock(stmts: readonly Stmt[], level: number, lines: string[]): void {
  for (const s of stmts) printStmt(s, level, lines);
}

function within(d: DurationLit | undefined): string {
  return d ? ` within ${d.text}` : '';
}

function printOnTimeout(body: readonly Stmt[] | undefined, level: number, lines: string[]): void {
  if (!body) return;
  const pad = INDENT.repeat(level + 1);
  lines.push(`${pad}on timeout`);
  printBlock(body, level + 2, lines);
  lines.push(`${pad}end`);
}

function printStmt(s: Stmt, level: number, lines: string[]): void {
  const pad = INDENT.repeat(level);
  switch (s.kind) {
    case 'let':
    case 'set':
      lines.push(`${pad}${s.kind} ${s.name.name} = ${printExpr(s.value)}`);
      return;
    case 'call': {
      const bind = s.bind ? `let ${s.bind.name} = ` : '';
      const args = s.args.map((a) => `${printFieldName(a.name)}: ${printExpr(a.value)}`).join(', ');
      let text = `${pad}${bind}call ${s.action.name}(${args})`;
      if (s.retry) {
        text += ` retry ${s.retry.attempts}`;
        if (s.retry.every) text += ` every ${s.retry.every.text}`;
        if (s.retry.backoff !== undefined) text += ` backoff ${s.retry.backoff}`;
      }
      if (s.timeout) text += ` timeout ${s.timeout.text}`;
      lines.push(text);
      return;
    }
    case 'if':
      s.branches.forEach((b, i) => {
        lines.push(`${pad}${i === 0 ? 'if' : 'else if'} ${printExpr(b.cond)}`);
        printBlock(b.body, level + 1, lines);
      });
      if (s.else) {
        lines.push(`${pad}else`);
        printBlock(s.else, level + 1, lines);
      }
      lines.push(`${pad}end`);
      return;
    case 'sleep':
      lines.push(`${pad}sleep ${startsWithWord(s.duration, ['until'])}`);
      return;
    case 'sleep_until':
      lines.push(`${pad}sleep until ${printExpr(s.time)}`);
      return;
    case 'wait': {
      const as = s.as ? ` as ${s.as.name}` : '';
      const where = s.where ? ` where ${printExpr(s.where)}` : '';
      lines.push(`${pad}wait for ${s.event.name}${as}${where}${within(s.within)}`);
      printOnTimeout(s.onTimeout, level, lines);
      return;
    }
    case 'approve': {
      const by = s.by ? ` by ${printExpr(s.by)}` : '';
      const as = s.as ? ` as ${s.as.name}` : '';
      lines.push(`${pad}approve ${printExpr(s.description)}${by}${as}${within(s.within)}`);
      printOnTimeout(s.onTimeout, level, lines);
      return;
    }
    case 'parallel':
      lines.push(`${pad}parallel`);
      for (const branch of s.branches) {
        lines.push(`${pad}${INDENT}branch`);
        printBlock(branch, level + 2, lines);
      }
      lines.push(`${pad}end`);
      return;
    case 'for_each':
      lines.push(`${pad}for each ${s.name.name} in ${printExpr(s.list)}`);
      printBlock(s.body, level + 1, lines);
      lines.push(`${pad}end`);
      return;
    case 'emit': {
      const fields = s.fields.map((f) => `${printFieldName(f.name)}: ${printExpr(f.value)}`).join(', ');
      lines.push(`${pad}emit ${s.event.name} ${fields ? `{ ${fields} }` : '{}'}`);
      return;
    }
    case 'log':
      lines.push(`${pad}log ${printExpr(s.message)}`);
      return;
    case 'stop':
      lines.push(s.message ? `${pad}stop ${startsWithWord(s.message, STATEMENT_WORDS)}` : `${pad}stop`);
      return;
    case 'fail':
      lines.push(`${pad}fail ${printExpr(s.message)}`);
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
