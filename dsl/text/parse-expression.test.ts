import type { Expr } from '../ast/ast';
import { parseDurationText, parseExpression, parseTemplate } from './parse-expression';
import { printExpr } from '../print/print-dsl';
import { stripSpans } from '../ast/strip-spans';

/** A locate for a single-line text placed at line 7, column 11 of some YAML file. */
const yamlLocate = (o: number) => ({ line: 7, column: 11 + o });

function expr(text: string): Expr {
  const r = parseExpression(text, 'r.yaml', yamlLocate);
  expect(r.diagnostics).toEqual([]);
  if (!r.expr) throw new Error('no expression');
  return r.expr;
}

/** Shows the tree shape with explicit grouping: `(a + (b * c))`. */
function shape(e: Expr): string {
  switch (e.kind) {
    case 'binary':
      return `(${shape(e.left)} ${e.op} ${shape(e.right)})`;
    case 'unary':
      return `(${e.op} ${shape(e.operand)})`;
    case 'paren':
      return `[${shape(e.expr)}]`;
    case 'member':
      return `${shape(e.object)}${e.optional ? '?.' : '.'}${e.name}`;
    case 'index':
      return `${shape(e.object)}[${shape(e.index)}]`;
    case 'call':
      return `${e.fn}(${e.args.map(shape).join(', ')})`;
    case 'name':
      return e.name;
    default:
      return printExpr(e);
  }
}

describe('parseExpression', () => {
  it.each([
    ['a ?? b or c', '(a ?? (b or c))'],
    ['a or b and c', '(a or (b and c))'],
    ['not a and b', '((not a) and b)'],
    ['not a == b', '(not (a == b))'],
    ['a == b + c', '(a == (b + c))'],
    ['a + b * c', '(a + (b * c))'],
    ['a - b - c', '((a - b) - c)'],
    ['a * b % c / d', '(((a * b) % c) / d)'],
    ['-a * b', '((- a) * b)'],
    ['-a.b', '(- a.b)'],
    ['not not a', '(not (not a))'],
    ['a in b', '(a in b)'],
    ['a not in b and c', '((a not in b) and c)'],
    ['a ?? b ?? c', '((a ?? b) ?? c)'],
    ['x?.y.z[0]', 'x?.y.z[0]'],
    ['max(a, b * 2)', 'max(a, (b * 2))'],
    ['(a + b) * c', '([(a + b)] * c)'],
    ['event.in', 'event.in'],
    ['rule.event + input.key', '(rule.event + input.key)'],
  ])('parses %s with the right precedence', (text, expected) => {
    expect(shape(expr(text))).toBe(expected);
  });

  it('parses literals', () => {
    expect(stripSpans(expr('[1, 3.75, "s", true, false, null, 1h30m, { a: 1, "b-c": 2 }]'))).toEqual({
      kind: 'list',
      items: [
        { kind: 'number', value: 1, raw: '1' },
        { kind: 'number', value: 3.75, raw: '3.75' },
        { kind: 'string', parts: [{ kind: 'text', text: 's' }] },
        { kind: 'bool', value: true },
        { kind: 'bool', value: false },
        { kind: 'null' },
        { kind: 'duration', ms: 5_400_000, text: '1h30m' },
        {
          kind: 'object',
          fields: [
            { name: 'a', value: { kind: 'number', value: 1, raw: '1' } },
            { name: 'b-c', value: { kind: 'number', value: 2, raw: '2' } },
          ],
        },
      ],
    });
  });

  it('computes spans through locate', () => {
    const e = expr('event.sku == "A"');
    expect(e.span).toEqual({ file: 'r.yaml', line: 7, column: 11, endLine: 7, endColumn: 27 });
    if (e.kind !== 'binary' || e.left.kind !== 'member') throw new Error('shape');
    expect(e.left.nameSpan).toEqual({ file: 'r.yaml', line: 7, column: 17, endLine: 7, endColumn: 20 });
  });

  it('requires the whole text to be one expression', () => {
    const r = parseExpression('a b', 'r.yaml', yamlLocate);
    expect(r.expr).toBeUndefined();
    expect(r.diagnostics).toMatchObject([
      { code: 'unexpected-token', span: { line: 7, column: 13, endColumn: 14 } },
    ]);
  });

  it.each([
    ['', 'unexpected-end'],
    ['a +', 'unexpected-end'],
    ['a & b', 'invalid-character'],
    ['"abc', 'unterminated-string'],
    ['"a\\qb"', 'invalid-escape'],
    ['1m30h', 'invalid-duration'],
    ['12abc', 'invalid-number'],
    ['a < b < c', 'unexpected-token'],
  ])('reports %j as %s', (text, code) => {
    const r = parseExpression(text, 'r.yaml', yamlLocate);
    expect(r.expr).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain(code);
  });

  it('reports errors inside interpolations at their position', () => {
    const r = parseExpression('"x ${a +}"', 'r.yaml', yamlLocate);
    expect(r.diagnostics).toMatchObject([{ code: 'unexpected-end', span: { line: 7, column: 11 + 8 } }]);
  });
});

describe('parseTemplate', () => {
  const template = (text: string) => parseTemplate(text, 't.yaml', yamlLocate);

  it('keeps the type of a lone interpolation', () => {
    const r = template('${qty}');
    expect(stripSpans(r.expr)).toEqual({ kind: 'name', name: 'qty' });
    expect(r.expr?.span).toMatchObject({ column: 13, endColumn: 16 });
  });

  it('builds a string of text and interpolations', () => {
    const r = template('PO ${po.id} costs \\$5 ${ {a: "}"}.a }!');
    expect(r.diagnostics).toEqual([]);
    const parts = r.expr?.kind === 'string' ? r.expr.parts : [];
    expect(parts.map((p) => (p.kind === 'text' ? p.text : printExpr(p.expr)))).toEqual([
      'PO ',
      'po.id',
      ' costs $5 ',
      '{ a: "}" }.a',
      '!',
    ]);
  });

  it('treats other backslashes and lone dollars as text', () => {
    expect(stripSpans(template('C:\\temp $ 5').expr)).toEqual({
      kind: 'string',
      parts: [{ kind: 'text', text: 'C:\\temp $ 5' }],
    });
  });

  it('gives an empty string no parts', () => {
    expect(stripSpans(template('').expr)).toEqual({ kind: 'string', parts: [] });
  });

  it('does not unwrap an interpolation with text around it', () => {
    expect(template(' ${x}').expr?.kind).toBe('string');
  });

  it('reports an unclosed or empty interpolation', () => {
    expect(template('a ${b').diagnostics.map((d) => d.code)).toEqual(['unexpected-end']);
    expect(template('a ${ }').diagnostics.map((d) => d.code)).toEqual(['unexpected-token']);
  });
});

describe('parseDurationText', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['4h', 14_400_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['250ms', 250],
    ['1s500ms', 1500],
    [' 2d ', 172_800_000],
  ])('reads %s', (text, ms) => {
    expect(parseDurationText(text)).toBe(ms);
  });

  it.each(['1m30h', '1h1h', '30', 'abc', '1.5h', '5mins', '', '-5m'])('rejects %j', (text) => {
    expect(parseDurationText(text)).toBeUndefined();
  });
});
