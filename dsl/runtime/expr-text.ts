/**
 * An IR expression as rule-language text, for explanations and runtime error messages
 * (`event.available < event.reorder_point`). Parentheses are added only where precedence needs
 * them, so the text may differ from the source in spacing and redundant parentheses.
 */
import type { ArithOp, ExprIR, WindowIR } from './ir';
import { formatDuration } from './value-time';

/** The operator symbol each arithmetic operation was written with, for messages and printing. */
export const ARITH_SYMBOL: Record<ArithOp, '+' | '-' | '*' | '/' | '%'> = {
  'num.add': '+',
  'num.sub': '-',
  'num.mul': '*',
  'num.div': '/',
  'num.mod': '%',
  'str.concat': '+',
  'list.concat': '+',
  'time.add': '+',
  'time.sub': '-',
  'time.diff': '-',
  'dur.add': '+',
  'dur.sub': '-',
  'dur.mul': '*',
  'dur.div': '/',
  'dur.ratio': '/',
  'dyn.add': '+',
  'dyn.sub': '-',
  'dyn.mul': '*',
  'dyn.div': '/',
  'dyn.mod': '%',
};

/** Binding strength, lowest first, as in the language's precedence table. */
function precedence(e: ExprIR): number {
  switch (e.kind) {
    case 'coalesce':
      return 1;
    case 'or':
      return 2;
    case 'and':
      return 3;
    case 'not':
      return 4;
    case 'compare':
    case 'in':
      return 5;
    case 'arith':
      return ['+', '-'].includes(ARITH_SYMBOL[e.op]) ? 6 : 7;
    case 'neg':
      return 8;
    default:
      return 9;
  }
}

/** A string literal with the language's escapes. */
export function quoteString(text: string): string {
  return `"${text.replace(/[\\"$\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\${c}`))}"`;
}

/** Longest text `exprText` gives by default: messages quote an expression, they do not dump it. */
export const MAX_EXPR_TEXT = 300;

/** What is left of the text's length; every node pays for its own characters before its operands. */
interface Budget {
  left: number;
}

function wrap(e: ExprIR, min: number, b: Budget): string {
  if (precedence(e) >= min) return write(e, b);
  b.left -= 2;
  return `(${write(e, b)})`;
}

/** Items joined by `, `, stopping with `…` once the budget is spent. */
function items(list: readonly ExprIR[], b: Budget, show: (e: ExprIR, b: Budget) => string = write): string {
  const out: string[] = [];
  for (const item of list) {
    if (b.left <= 0) {
      out.push('…');
      break;
    }
    b.left -= 2;
    out.push(show(item, b));
  }
  return out.join(', ');
}

function clipped(text: string, b: Budget): string {
  const cut = text.length > b.left + 1 ? `${text.slice(0, Math.max(0, b.left))}…` : text;
  b.left -= cut.length;
  return cut;
}

/**
 * The expression as source text, cut to about `max` characters (with `…`). The budget also bounds
 * the recursion, so no expression, however deep or long, makes this slow or exhaust the stack.
 */
export function exprText(e: ExprIR, max = MAX_EXPR_TEXT): string {
  const text = write(e, { left: max });
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function write(e: ExprIR, b: Budget): string {
  if (b.left <= 0) return '…';
  switch (e.kind) {
    case 'literal':
      return clipped(
        typeof e.value === 'string' ? quoteString(clipped(e.value, { ...b })) : String(e.value),
        b,
      );
    case 'duration':
      return clipped(formatDuration(e.ms), b);
    case 'template': {
      b.left -= 2;
      const parts: string[] = [];
      for (const p of e.parts) {
        if (b.left <= 0) {
          parts.push('…');
          break;
        }
        if (p.kind === 'text') parts.push(quoteString(clipped(p.text, b)).slice(1, -1));
        else {
          b.left -= 3;
          parts.push(`\${${write(p.expr, b)}}`);
        }
      }
      return `"${parts.join('')}"`;
    }
    case 'list':
      b.left -= 2;
      return `[${items(e.items, b)}]`;
    case 'object': {
      b.left -= 4;
      const fields: string[] = [];
      for (const f of e.fields) {
        if (b.left <= 0) {
          fields.push('…');
          break;
        }
        b.left -= f.name.length + 4;
        fields.push(`${f.name}: ${write(f.value, b)}`);
      }
      return `{ ${fields.join(', ')} }`;
    }
    case 'name':
      return clipped(e.name, b);
    case 'member':
      b.left -= e.name.length + 1;
      return `${wrap(e.object, 9, b)}${e.optional ? '?.' : '.'}${e.name}`;
    case 'index':
      b.left -= 2;
      return `${wrap(e.object, 9, b)}[${write(e.index, b)}]`;
    case 'call':
      b.left -= e.fn.length + 2;
      return `${e.fn}(${items(e.args, b)})`;
    case 'secret':
      return clipped(`secret(${quoteString(e.name)})`, b);
    case 'arith': {
      const p = precedence(e);
      b.left -= 3;
      return `${wrap(e.left, p, b)} ${ARITH_SYMBOL[e.op]} ${wrap(e.right, p + 1, b)}`;
    }
    case 'compare':
      b.left -= e.op.length + 2;
      return `${wrap(e.left, 6, b)} ${e.op} ${wrap(e.right, 6, b)}`;
    case 'in':
      b.left -= e.negate ? 8 : 4;
      return `${wrap(e.left, 6, b)} ${e.negate ? 'not in' : 'in'} ${wrap(e.right, 6, b)}`;
    case 'and':
    case 'or': {
      const p = precedence(e);
      b.left -= e.kind.length + 2;
      return `${wrap(e.left, p, b)} ${e.kind} ${wrap(e.right, p + 1, b)}`;
    }
    case 'coalesce':
      b.left -= 4;
      return `${wrap(e.left, 1, b)} ?? ${wrap(e.right, 2, b)}`;
    case 'not':
      b.left -= 4;
      return `not ${wrap(e.operand, 4, b)}`;
    case 'neg':
      b.left -= 1;
      return `-${wrap(e.operand, 8, b)}`;
    case 'aggregate': {
      const value = e.value === undefined ? '' : `, ${exprText(e.value)}`;
      b.left -= e.fn.length + 2;
      return `${e.fn}(${windowText(e.window)}${value})`;
    }
    default:
      return '?';
  }
}

/** A window as written: `payment.failed as p within 10m where p.customer_id == event.customer_id`. */
export function windowText(w: WindowIR): string {
  const where = w.where === undefined ? '' : ` where ${exprText(w.where)}`;
  return `${w.event} as ${w.as} within ${formatDuration(w.withinMs)}${where}`;
}
