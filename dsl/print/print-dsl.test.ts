import type { Expr, SourceFile } from '../ast/ast';
import { parseDsl } from '../text/parse-dsl';
import { EXAMPLE } from '../testing/dsl-example';
import { parseExpression } from '../text/parse-expression';
import { printDsl, printExpr, printType } from './print-dsl';
import type { Span } from '../core/span';
import { stripSpans } from '../ast/strip-spans';

const Z: Span = { file: 'p.rule', line: 1, column: 1, endLine: 1, endColumn: 1 };

function format(text: string): string {
  const r = parseDsl('p.rule', text);
  expect(r.diagnostics).toEqual([]);
  return printDsl(r.file);
}

function expr(text: string): Expr {
  const r = parseExpression(text, 'p.rule', (o) => ({ line: 1, column: o + 1 }));
  if (!r.expr) throw new Error(JSON.stringify(r.diagnostics));
  return r.expr;
}

describe('printDsl', () => {
  it('prints the LANGUAGE.md example in its canonical form, keeping its comment', () => {
    expect(format(EXAMPLE)).toBe(EXAMPLE.replace(/ +# /, '  # '));
  });

  it('normalizes layout, commas and spacing', () => {
    const messy = `# header comment
event   a.b{x:int,y:{ id:string }?   z : list< string >}
action  c.d ( p : int , ) ->{ok:bool}
rule r "desc"   on a.b  when event.x>1 and not(event.y==null)  do
      let  q=call c.d(p:1,)retry 3 every 10s
  if q.ok log "yes" else if false log 'no' else stop end
    emit a.b{x:1 y:{id:"s"}}
compensate fail "undo"
end`.replace("'no'", '"no"');
    expect(format(messy)).toBe(`# header comment
event a.b {
  x: int
  y: { id: string }?
  z: list<string>
}

action c.d(p: int) -> { ok: bool }

rule r "desc"
  on a.b
  when event.x > 1 and not (event.y == null)
do
  let q = call c.d(p: 1) retry 3 every 10s
  if q.ok
    log "yes"
  else if false
    log "no"
  else
    stop
  end
  emit a.b { x: 1, y: { id: "s" } }
compensate
  fail "undo"
end
`);
  });

  it('lays out nested blocks with two-space indentation', () => {
    const text = `rule r
  manual(sku: string)
do
  parallel
    branch
      for each x in [1, 2]
        approve "ok \${x}?" by "ops" as d within 1d
          on timeout
            stop
          end
      end
    branch
      sleep until now() + 1h
  end
end
`;
    expect(format(text)).toBe(text);
  });

  it('prints empty things compactly', () => {
    expect(format('event e {} action a() rule r every 5m do end')).toBe(
      'event e {}\n\naction a()\n\nrule r\n  every 5m\ndo\nend\n',
    );
    expect(printDsl({ file: 'p.rule', form: 'dsl', decls: [] })).toBe('');
  });

  it('is idempotent', () => {
    const once = format(EXAMPLE);
    expect(format(once)).toBe(once);
  });

  it('quotes field names that are not words and re-escapes strings', () => {
    const text = `rule r "say \\"hi\\" \\\\ $x \\t"\n  every "0 9 * * *" timezone "Asia/Shanghai"\ndo\n  log { "Content-Type": "a\\nb", in: "\\\${not} \${x} $5 $" }\nend\n`;
    expect(format(text)).toBe(text);
    const r = parseDsl('p.rule', text).file.decls[0];
    expect(r.kind === 'rule' && r.description).toBe('say "hi" \\ $x \t');
  });

  it('prints rules written in YAML, translated to the same AST', () => {
    const file: SourceFile = {
      file: 'p.rule.yaml',
      form: 'yaml',
      decls: [
        {
          kind: 'rule',
          name: 'r',
          nameSpan: Z,
          description: '中文描述',
          clauses: [{ kind: 'manual', params: [], span: Z }],
          body: [{ kind: 'stop', message: { kind: 'name', name: 'log', span: Z }, span: Z }],
          span: Z,
        },
      ],
    };
    expect(printDsl(file)).toBe('rule r "中文描述"\n  manual\ndo\n  stop (log)\nend\n');
  });
});

describe('printExpr', () => {
  it('keeps the user’s parentheses', () => {
    expect(printExpr(expr('((a + b)) * (c)'))).toBe('((a + b)) * (c)');
  });

  it('adds the parentheses a tree needs when it has no paren nodes', () => {
    const a: Expr = { kind: 'name', name: 'a', span: Z };
    const sum: Expr = { kind: 'binary', op: '+', left: a, right: a, span: Z };
    const cmp: Expr = { kind: 'binary', op: '<', left: a, right: a, span: Z };
    expect(printExpr({ kind: 'binary', op: '*', left: sum, right: a, span: Z })).toBe('(a + a) * a');
    expect(printExpr({ kind: 'binary', op: '-', left: a, right: sum, span: Z })).toBe('a - (a + a)');
    expect(printExpr({ kind: 'binary', op: '==', left: cmp, right: a, span: Z })).toBe('(a < a) == a');
    expect(printExpr({ kind: 'unary', op: '-', operand: sum, span: Z })).toBe('-(a + a)');
    expect(printExpr({ kind: 'member', object: sum, name: 'x', nameSpan: Z, optional: true, span: Z })).toBe('(a + a)?.x'); // prettier-ignore
    expect(printExpr({ kind: 'unary', op: 'not', operand: cmp, span: Z })).toBe('not a < a');
  });

  it('prints numbers by raw and durations by text, and fixes literals the DSL cannot read', () => {
    expect(printExpr(expr('[3.0, 007, 1h30m, 90m]'))).toBe('[3.0, 007, 1h30m, 90m]');
    expect(printExpr({ kind: 'number', value: -5, raw: '-5', span: Z })).toBe('-5');
    expect(printExpr({ kind: 'number', value: 1000, raw: '1e3', span: Z })).toBe('1000');
    expect(printExpr({ kind: 'number', value: 1e21, raw: '1e21', span: Z })).toBe('1000000000000000000000');
    const negative: Expr = { kind: 'number', value: -5, raw: '-5', span: Z };
    expect(printExpr({ kind: 'member', object: negative, name: 'x', nameSpan: Z, optional: false, span: Z })).toBe('(-5).x'); // prettier-ignore
  });

  it('prints members that are not words as indexes', () => {
    const a: Expr = { kind: 'name', name: 'a', span: Z };
    expect(printExpr({ kind: 'member', object: a, name: 'x-y', nameSpan: Z, optional: false, span: Z })).toBe('a["x-y"]'); // prettier-ignore
  });

  it('round-trips every operator', () => {
    const text = 'a ?? b or c and not d == e + f * -g.h?.i[0] % len(j, [k], { l: m }) - 1h or x not in [n]';
    expect(printExpr(expr(text))).toBe(text);
    expect(stripSpans(expr(printExpr(expr(text))))).toEqual(stripSpans(expr(text)));
  });
});

describe('printType', () => {
  it('prints every type form', () => {
    const r = parseDsl('p.rule', 'event e { a: list<{ id: string, n: int? }>? }').file.decls[0];
    expect(r.kind === 'event' && printType(r.fields[0].type)).toBe('list<{ id: string, n: int? }>?');
  });
});
