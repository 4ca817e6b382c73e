/**
 * CST → AST for expressions and string literals (statements and declarations are converted in
 * `cst-to-ast-stmts.ts` and `cst-to-ast-decls.ts`).
 *
 * The CST may be partial after error recovery: every child can be missing. Converters return
 * `undefined` for a node they cannot build; the syntax error that caused it has already been
 * reported, so they add no diagnostic of their own for missing pieces.
 */
import type { CstNode, IToken } from 'chevrotain';
import type { BinaryOp, Expr, ObjectField, StringPart } from '../ast/ast';
import { exprDeeperThan } from '../ast/expr-depth';
import type { ConvertContext } from './cst-access';
import {
  binding,
  durationLit,
  node,
  nodes,
  nodeSpan,
  offsetSpan,
  spanFrom,
  tok,
  tokenEnd,
  tokenSpan,
  toks,
} from './cst-access';
import { Codes, error } from '../core/diagnostics';
import type { DurationPayload, NumberPayload, StringPayload } from './lexer';
import { scanNested } from './lexer';
import { MAX_NESTING } from './nesting-guard';
import type { Span } from '../core/span';
import { joinSpans } from '../core/span';

// ---------------------------------------------------------------- strings

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', t: '\t', $: '$' };

/** Decodes a string token into parts; interpolations are parsed recursively. */
export function decodeString(ctx: ConvertContext, t: IToken): Expr {
  const span = tokenSpan(ctx, t);
  if (!(t.payload as StringPayload | undefined)?.closed) return { kind: 'string', parts: [], span };
  const image = t.image;
  const base = t.startOffset;
  const depth = ctx.depthAt(base);
  const parts: StringPart[] = [];
  let text = '';
  let i = 1;
  const last = image.length - 1; // the closing quote
  while (i < last) {
    const ch = image[i];
    if (ch === '\\') {
      const next = image[i + 1];
      const decoded = ESCAPES[next];
      if (decoded === undefined) {
        const width = (next.codePointAt(0) ?? 0) > 0xffff ? 3 : 2;
        ctx.diagnostics.push(
          error(
            Codes.invalidEscape,
            `\`\\${image.slice(i + 1, i + width)}\` is not a valid escape (use \\" \\\\ \\n \\t or \\$)`,
            offsetSpan(ctx, base + i, base + i + width),
          ),
        );
        text += image.slice(i, i + width);
        i += width;
      } else {
        text += decoded;
        i += 2;
      }
    } else if (ch === '$' && image[i + 1] === '{') {
      const scan = scanNested(image, i + 2, false);
      // The lexer only closes a string whose interpolations are closed.
      const innerEnd = scan.end - 1;
      const expr = interpolation(
        ctx,
        base + i,
        base + i + 2,
        base + innerEnd,
        image.slice(i + 2, innerEnd),
        depth,
      );
      if (expr) {
        if (text) parts.push({ kind: 'text', text });
        text = '';
        parts.push({ kind: 'interp', expr });
      }
      i = scan.end;
    } else {
      text += ch;
      i++;
    }
  }
  if (text) parts.push({ kind: 'text', text });
  return { kind: 'string', parts, span };
}

/** Parses the content of one `${...}` found at `at`; reports an empty one. */
export function interpolation(
  ctx: ConvertContext,
  at: number,
  start: number,
  end: number,
  content: string,
  depth: number,
): Expr | undefined {
  if (content.trim() === '') {
    ctx.diagnostics.push(
      error(Codes.unexpectedToken, 'expected an expression inside `${}`', offsetSpan(ctx, at, end + 1)),
    );
    return undefined;
  }
  if (depth + 1 > MAX_NESTING) {
    ctx.diagnostics.push(
      error(
        Codes.nestingTooDeep,
        `this interpolation is nested too deeply (more than ${MAX_NESTING} levels); split it up`,
        offsetSpan(ctx, at, start),
      ),
    );
    return undefined;
  }
  return ctx.interpolate(start, end, depth + 1);
}

/**
 * Decodes a string that must be plain text (a rule description, a cron expression, a quoted field
 * name): interpolation is reported, and its text is dropped.
 */
export function plainString(ctx: ConvertContext, t: IToken, what: string): string {
  const s = decodeString(ctx, t);
  if (s.kind !== 'string') return '';
  let out = '';
  for (const p of s.parts) {
    if (p.kind === 'text') out += p.text;
    else {
      ctx.diagnostics.push(
        error(
          Codes.unexpectedToken,
          `${what} cannot contain \`\${...}\` (write \`\\$\` for a literal \`$\`)`,
          p.expr.span,
        ),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------- expressions

/**
 * Deepest expression the front end hands on (the checker refuses past 200, the evaluator's limit,
 * with its own diagnostic): chains of operators (`not not …`, `a or b or …`, `a.b.c…`) are built
 * without recursion, so this bounds every later recursive walk of the tree.
 */
export const MAX_PARSED_EXPR_DEPTH = 1000;

/**
 * Converts an `expression` CST node. One nested deeper than `MAX_PARSED_EXPR_DEPTH` is reported
 * (`expression-too-deep`) and becomes `null`.
 */
export function toExpr(ctx: ConvertContext, n: CstNode | undefined): Expr | undefined {
  const e = convert(ctx, n);
  if (!e || !exprDeeperThan(e, MAX_PARSED_EXPR_DEPTH)) return e;
  ctx.diagnostics.push(
    error(
      Codes.expressionTooDeep,
      `this expression is nested more than ${MAX_PARSED_EXPR_DEPTH} levels deep; split it with \`let\``,
      e.span,
    ),
  );
  return { kind: 'null', span: e.span };
}

function convert(ctx: ConvertContext, n: CstNode | undefined): Expr | undefined {
  if (!n) return undefined;
  switch (n.name) {
    case 'expression':
    case 'orExpr':
    case 'andExpr':
    case 'additive':
    case 'multiplicative':
      return foldBinary(ctx, n);
    case 'notExpr':
      return prefixed(ctx, n, 'not', 'not');
    case 'unary':
      return prefixed(ctx, n, 'neg', '-');
    case 'comparison':
      return comparison(ctx, n);
    case 'postfix':
      return postfix(ctx, n);
    case 'primary':
      return primary(ctx, n);
    default:
      return undefined;
  }
}

function foldBinary(ctx: ConvertContext, n: CstNode): Expr | undefined {
  const operands = nodes(n, 'operand');
  const ops = toks(n, 'op');
  let left = convert(ctx, operands[0]);
  if (!left) return undefined;
  for (let i = 1; i < operands.length; i++) {
    const right = convert(ctx, operands[i]);
    const op = ops[i - 1];
    if (!right || !op) return undefined;
    left = { kind: 'binary', op: op.image as BinaryOp, left, right, span: joinSpans(left.span, right.span) };
  }
  return left;
}

function prefixed(ctx: ConvertContext, n: CstNode, key: string, op: 'not' | '-'): Expr | undefined {
  let expr = convert(ctx, node(n, 'operand'));
  if (!expr) return undefined;
  const prefixes = toks(n, key);
  for (let i = prefixes.length - 1; i >= 0; i--) {
    expr = { kind: 'unary', op, operand: expr, span: spanFrom(ctx, prefixes[i], expr.span) };
  }
  return expr;
}

function comparison(ctx: ConvertContext, n: CstNode): Expr | undefined {
  const operands = nodes(n, 'operand');
  const left = convert(ctx, operands[0]);
  if (!left || operands.length < 2) return left;
  const right = convert(ctx, operands[1]);
  const op = tok(n, 'op');
  if (!right || !op) return undefined;
  const binOp: BinaryOp = tok(n, 'notIn') ? 'not in' : (op.image as BinaryOp);
  return { kind: 'binary', op: binOp, left, right, span: joinSpans(left.span, right.span) };
}

function postfix(ctx: ConvertContext, n: CstNode): Expr | undefined {
  let expr = convert(ctx, node(n, 'operand'));
  if (!expr) return undefined;
  for (const op of nodes(n, 'op')) {
    const dot = tok(op, 'dot');
    if (dot) {
      const member = tok(op, 'member');
      if (!member) return undefined;
      const nameSpan = tokenSpan(ctx, member);
      const optional = dot.image === '?.';
      expr = {
        kind: 'member',
        object: expr,
        name: member.image,
        nameSpan,
        optional,
        span: joinSpans(expr.span, nameSpan),
      };
      continue;
    }
    const close = tok(op, 'RBracket') ?? tok(op, 'RParen');
    if (!close) return undefined;
    const span = joinSpans(expr.span, tokenSpan(ctx, close));
    if (tok(op, 'LBracket')) {
      const index = convert(ctx, node(op, 'index'));
      if (!index) return undefined;
      expr = { kind: 'index', object: expr, index, span };
      continue;
    }
    const args: Expr[] = [];
    for (const item of nodes(node(op, 'args'), 'item')) {
      const arg = convert(ctx, item);
      if (!arg) return undefined;
      args.push(arg);
    }
    const windowNode = node(node(op, 'args'), 'window');
    if (windowNode) {
      const window = toWindow(ctx, args[0], windowNode);
      if (!window) return undefined;
      args[0] = window;
    }
    if (expr.kind !== 'name') {
      const open = tok(op, 'LParen');
      ctx.diagnostics.push(
        error(
          Codes.unexpectedToken,
          'only functions can be called, as in `max(a, b)`',
          open ? tokenSpan(ctx, open) : span,
        ),
      );
      return undefined;
    }
    expr = { kind: 'call', fn: expr.name, fnSpan: expr.span, args, span };
  }
  return expr;
}

/** The dotted name an expression spells (`payment.failed`), if it is one. */
function dottedName(e: Expr): string | undefined {
  if (e.kind === 'name') return e.name;
  if (e.kind === 'member' && !e.optional) {
    const base = dottedName(e.object);
    return base === undefined ? undefined : `${base}.${e.name}`;
  }
  return undefined;
}

/** `TYPE as NAME within D [where EXPR]`: `first` is the parsed TYPE, `n` the `windowTail`. */
function toWindow(ctx: ConvertContext, first: Expr | undefined, n: CstNode): Expr | undefined {
  const span = nodeSpan(ctx, n);
  if (!first || !span) return undefined;
  const event = dottedName(first);
  if (event === undefined) {
    ctx.diagnostics.push(
      error(
        Codes.unexpectedToken,
        'a window starts with an event type, as in `count(payment.failed as p within 10m)`',
        first.span,
      ),
    );
    return undefined;
  }
  const as = binding(ctx, tok(n, 'as'));
  const within = durationLit(ctx, tok(n, 'within'));
  const where = toExpr(ctx, node(n, 'where'));
  if (!as || !within || (node(n, 'where') && !where)) return undefined;
  return {
    kind: 'window',
    event: { name: event, span: first.span },
    as,
    within,
    ...(where && { where }),
    span: joinSpans(first.span, span),
  };
}

function primary(ctx: ConvertContext, n: CstNode): Expr | undefined {
  const literal = tok(n, 'literal');
  if (literal) return literalExpr(ctx, literal);
  const name = tok(n, 'name');
  if (name) return { kind: 'name', name: name.image, span: tokenSpan(ctx, name) };
  const open = tok(n, 'LParen') ?? tok(n, 'LBracket') ?? tok(n, 'LCurly');
  const close = tok(n, 'RParen') ?? tok(n, 'RBracket') ?? tok(n, 'RCurly');
  if (!open || !close) return undefined;
  const span = offsetSpan(ctx, open.startOffset, tokenEnd(close));
  if (open.image === '(') {
    const inner = convert(ctx, node(n, 'paren'));
    return inner && { kind: 'paren', expr: inner, span };
  }
  if (open.image === '[') {
    const items: Expr[] = [];
    for (const item of nodes(node(n, 'list'), 'item')) {
      const e = convert(ctx, item);
      if (!e) return undefined;
      items.push(e);
    }
    return { kind: 'list', items, span };
  }
  const fields = namedValues(ctx, node(n, 'object'), 'field');
  return fields && { kind: 'object', fields, span };
}

function literalExpr(ctx: ConvertContext, t: IToken): Expr {
  const span = tokenSpan(ctx, t);
  switch (t.tokenType.name) {
    case 'NumberLit':
      return { kind: 'number', value: (t.payload as NumberPayload).value, raw: t.image, span };
    case 'DurationLit':
      return { kind: 'duration', ms: (t.payload as DurationPayload).ms, text: t.image, span };
    case 'StringLit':
      return decodeString(ctx, t);
    case 'KwTrue':
      return { kind: 'bool', value: true, span };
    case 'KwFalse':
      return { kind: 'bool', value: false, span };
    default:
      return { kind: 'null', span };
  }
}

/** The name of a `namedArg`: a word, or a quoted string for names that are not words. */
export function argName(ctx: ConvertContext, n: CstNode): { name: string; nameSpan: Span } | undefined {
  const t = tok(n, 'name');
  if (!t) return undefined;
  const name = t.image.startsWith('"') ? plainString(ctx, t, 'a field name') : t.image;
  return { name, nameSpan: tokenSpan(ctx, t) };
}

/** `name: value` pairs (object literal fields, `emit` fields, action arguments). */
export function namedValues(
  ctx: ConvertContext,
  n: CstNode | undefined,
  key: string,
): ObjectField[] | undefined {
  const out: ObjectField[] = [];
  for (const arg of nodes(n, key)) {
    const name = argName(ctx, arg);
    const value = convert(ctx, node(arg, 'value'));
    if (!name || !value) return undefined;
    out.push({ name: name.name, nameSpan: name.nameSpan, value, span: joinSpans(name.nameSpan, value.span) });
  }
  return out;
}
