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

function wrap(e: ExprIR, min: number): string {
  const text = exprText(e);
  return precedence(e) < min ? `(${text})` : text;
}

/** The expression as source text. */
export function exprText(e: ExprIR): string {
  switch (e.kind) {
    case 'literal':
      return typeof e.value === 'string' ? quoteString(e.value) : String(e.value);
    case 'duration':
      return formatDuration(e.ms);
    case 'template':
      return `"${e.parts
        .map((p) => (p.kind === 'text' ? quoteString(p.text).slice(1, -1) : `\${${exprText(p.expr)}}`))
        .join('')}"`;
    case 'list':
      return `[${e.items.map(exprText).join(', ')}]`;
    case 'object':
      return `{ ${e.fields.map((f) => `${f.name}: ${exprText(f.value)}`).join(', ')} }`;
    case 'name':
      return e.name;
    case 'member':
      return `${wrap(e.object, 9)}${e.optional ? '?.' : '.'}${e.name}`;
    case 'index':
      return `${wrap(e.object, 9)}[${exprText(e.index)}]`;
    case 'call':
      return `${e.fn}(${e.args.map(exprText).join(', ')})`;
    case 'secret':
      return `secret(${quoteString(e.name)})`;
    case 'arith': {
      const p = precedence(e);
      return `${wrap(e.left, p)} ${ARITH_SYMBOL[e.op]} ${wrap(e.right, p + 1)}`;
    }
    case 'compare':
      return `${wrap(e.left, 6)} ${e.op} ${wrap(e.right, 6)}`;
    case 'in':
      return `${wrap(e.left, 6)} ${e.negate ? 'not in' : 'in'} ${wrap(e.right, 6)}`;
    case 'and':
    case 'or': {
      const p = precedence(e);
      return `${wrap(e.left, p)} ${e.kind} ${wrap(e.right, p + 1)}`;
    }
    case 'coalesce':
      return `${wrap(e.left, 1)} ?? ${wrap(e.right, 2)}`;
    case 'not':
      return `not ${wrap(e.operand, 4)}`;
    case 'neg':
      return `-${wrap(e.operand, 8)}`;
    case 'aggregate': {
      const value = e.value === undefined ? '' : `, ${exprText(e.value)}`;
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
