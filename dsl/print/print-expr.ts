/**
 * Canonical text of expressions and types, shared by the DSL printer and the YAML printer.
 *
 * The printer keeps the user's parentheses (`paren` nodes) and adds parentheses only where the
 * tree would otherwise read back differently (an AST built by the YAML front end or by hand may
 * nest a `+` under a `*` without a `paren` node).
 */
import type { Expr, StringPart, TypeExpr } from '../ast/ast';

const WORD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CANONICAL_NUMBER = /^\d+(\.\d+)?$/;

/** Binding strength, higher binds tighter (LANGUAGE.md §5). */
function precedence(e: Expr): number {
  switch (e.kind) {
    case 'binary':
      switch (e.op) {
        case '??':
          return 1;
        case 'or':
          return 2;
        case 'and':
          return 3;
        case '+':
        case '-':
          return 6;
        case '*':
        case '/':
        case '%':
          return 7;
        default:
          return 5; // comparisons, `in`, `not in`
      }
    case 'unary':
      return e.op === 'not' ? 4 : 8;
    case 'number':
      return CANONICAL_NUMBER.test(e.raw) || e.value >= 0 ? 10 : 8;
    default:
      return 10;
  }
}

const COMPARISON = 5;
const POSTFIX = 9;

function wrap(e: Expr, min: number): string {
  const text = printExpr(e);
  return precedence(e) >= min ? text : `(${text})`;
}

/** A number as the DSL writes it: `raw` when it is a DSL literal, else derived from the value. */
function printNumber(value: number, raw: string): string {
  if (CANONICAL_NUMBER.test(raw)) return raw;
  if (!Number.isFinite(value)) return '0';
  const magnitude = Math.abs(value);
  let text = String(magnitude);
  if (/e/i.test(text)) {
    text = Number.isInteger(magnitude)
      ? BigInt(magnitude).toString()
      : magnitude.toFixed(20).replace(/\.?0+$/, '');
  }
  return value < 0 ? `-${text}` : text;
}

/** Escapes literal text for a double-quoted DSL string. */
export function escapeText(text: string): string {
  return text.replace(/[\\"\n\t]|\$(?=\{)/g, (ch) => {
    switch (ch) {
      case '\n':
        return '\\n';
      case '\t':
        return '\\t';
      case '$':
        return '\\$';
      default:
        return `\\${ch}`;
    }
  });
}

/** A double-quoted DSL string literal of plain text. */
export function quote(text: string): string {
  return `"${escapeText(text)}"`;
}

function printParts(parts: readonly StringPart[]): string {
  return `"${parts.map((p) => (p.kind === 'text' ? escapeText(p.text) : `\${${printExpr(p.expr)}}`)).join('')}"`;
}

/** A field or argument name: bare when it is a word, quoted otherwise (`"Content-Type"`). */
export function printFieldName(name: string): string {
  return WORD.test(name) ? name : quote(name);
}

/** The canonical DSL text of an expression. */
export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return printNumber(e.value, e.raw);
    case 'string':
      return printParts(e.parts);
    case 'bool':
      return e.value ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'duration':
      return e.text;
    case 'list':
      return `[${e.items.map(printExpr).join(', ')}]`;
    case 'object':
      return e.fields.length === 0
        ? '{}'
        : `{ ${e.fields.map((f) => `${printFieldName(f.name)}: ${printExpr(f.value)}`).join(', ')} }`;
    case 'name':
      return e.name;
    case 'member':
      // A name that is not a word can only be reached by indexing.
      return WORD.test(e.name)
        ? `${wrap(e.object, POSTFIX)}${e.optional ? '?.' : '.'}${e.name}`
        : `${wrap(e.object, POSTFIX)}[${quote(e.name)}]`;
    case 'index':
      return `${wrap(e.object, POSTFIX)}[${printExpr(e.index)}]`;
    case 'call':
      return `${e.fn}(${e.args.map(printExpr).join(', ')})`;
    case 'unary':
      return e.op === 'not' ? `not ${wrap(e.operand, 4)}` : `-${wrap(e.operand, 8)}`;
    case 'binary': {
      const p = precedence(e);
      // Left-associative, except comparisons, which do not chain at all.
      const left = wrap(e.left, p === COMPARISON ? p + 1 : p);
      return `${left} ${e.op} ${wrap(e.right, p + 1)}`;
    }
    case 'paren':
      return `(${printExpr(e.expr)})`;
    case 'window': {
      const where = e.where ? ` where ${printExpr(e.where)}` : '';
      return `${e.event.name} as ${e.as.name} within ${e.within.text}${where}`;
    }
  }
}

/** The canonical DSL text of a type: `int`, `list<string>?`, `{ id: string, qty: int }`. */
export function printType(t: TypeExpr): string {
  const q = t.optional ? '?' : '';
  switch (t.kind) {
    case 'primitive':
      return `${t.name}${q}`;
    case 'list':
      return `list<${printType(t.element)}>${q}`;
    case 'object':
      return t.fields.length === 0
        ? `{}${q}`
        : `{ ${t.fields.map((f) => `${printFieldName(f.name)}: ${printType(f.type)}`).join(', ')} }${q}`;
  }
}
