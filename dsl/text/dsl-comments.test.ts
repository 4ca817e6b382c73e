import type { SourceFile, Stmt } from '../ast/ast';
import { parseDsl } from './parse-dsl';
import { printDsl } from '../print/print-dsl';
import { printYaml } from '../print/print-yaml';
import type { Span } from '../core/span';
import { stripSpans } from '../ast/strip-spans';
import { COMMENTED } from '../testing/comment-fixtures';
import { parseYaml } from '../yaml/parse-yaml';

function parse(text: string): SourceFile {
  const r = parseDsl('c.rule', text);
  expect(r.diagnostics).toEqual([]);
  return r.file;
}

function format(text: string): string {
  return printDsl(parse(text));
}

const Z: Span = { file: 'c.rule', line: 1, column: 1, endLine: 1, endColumn: 1 };

describe('comments in the DSL', () => {
  it('are kept by formatting, in their places', () => {
    expect(format(COMMENTED)).toBe(COMMENTED);
  });

  it('are attached to declarations, clauses, statements, event fields and block ends', () => {
    const [event, action, rule] = parse(COMMENTED).decls;
    expect(event).toMatchObject({
      comments: ['Stock rules for the warehouse team.', '中文注释：库存规则'],
      trailingComment: 'published by the WMS',
      endComments: ['more fields come with WMS v2'],
    });
    expect(event.kind === 'event' && event.fields.map((f) => [f.comments, f.trailingComment])).toEqual([
      [['the SKU as the shop knows it'], undefined],
      [undefined, undefined],
      [undefined, 'may be null'],
    ]);
    expect(action.comments).toEqual(['why 5 retries: the supplier API is flaky at night']);
    if (rule.kind !== 'rule') throw new Error('not a rule');
    expect(rule).toMatchObject({
      comments: ['reorder below the reorder point'],
      trailingComment: 'owned by ops',
      doComments: ['the steps'],
      compensateComments: ['end of do'],
      endComments: ['end of compensate'],
    });
    expect(rule.clauses[0].trailingComment).toBe('every stock change');
    expect(rule.clauses[1].comments).toEqual(['10 is what purchasing asked for (ticket OPS-12)']);
    const [let1, ifStmt, parallel, loop, , wait] = rule.body;
    expect(let1).toMatchObject({
      comments: ['order twice the shortfall'],
      trailingComment: 'never negative here',
    });
    expect(ifStmt).toMatchObject({
      elseComments: ['nothing to do yet', 'otherwise'],
      endComments: ['end of else'],
      branches: [{ body: [{ comments: ['big orders need a human'] }] }, { comments: ['small orders'] }],
    });
    expect(parallel).toMatchObject({ branchComments: [['first branch'], []], endComments: ['empty branch'] });
    expect(loop).toMatchObject({ endComments: ['end of loop'] });
    expect(wait).toMatchObject({ onTimeoutComments: ['after two days'], endComments: ['end of on timeout'] });
    expect(parse(COMMENTED).trailingComments).toEqual(['end of file']);
  });

  it('normalizes their layout, and formatting stays idempotent', () => {
    const messy = `#no space
rule r   "d"#right after
        # far right
  on e
do
      log "a"   #  two spaces kept, trailing blanks dropped   \t
  #
end
# a
   # b`;
    const once = format(messy);
    expect(once).toBe(`# no space
rule r "d"  # right after
  # far right
  on e
do
  log "a"  #  two spaces kept, trailing blanks dropped
  #
end

# a
# b
`);
    expect(format(once)).toBe(once);
  });

  it('read from CRLF files, with characters YAML could not hold replaced', () => {
    const file = parse('# crlf\r\nrule r # tab\there, bell \u0007 there\r\n  on e\r\ndo\r\nend\r\n');
    expect(file.decls[0]).toMatchObject({
      comments: ['crlf'],
      trailingComment: 'tab\there, bell \ufffd there',
    });
    const yaml = printYaml(file);
    const back = parseYaml('c.rule.yaml', yaml);
    expect(back.diagnostics).toEqual([]);
    expect(stripSpans(back.file.decls)).toEqual(stripSpans(file.decls));
  });

  it('keep a file of comments only', () => {
    const file = parse('# nothing here yet\n\n#   indented\n');
    expect(file.decls).toEqual([]);
    expect(file.trailingComments).toEqual(['nothing here yet', '  indented']);
    expect(printDsl(file)).toBe('# nothing here yet\n#   indented\n');
  });

  it('move from inside expressions and multi-line statements to before their node, never dropped', () => {
    const text = `rule r
  on e
  when event.a > 1 and  # first
    event.b < 2         # second
do  # on the do line
  let po = call x.y(
    # the sku
    sku: "a",
  )  # done
  log "\${event.a # inside}"
  if po.ok
  end  # after end
end
action a.b(
  sku: string  # why
) -> { id: string }
`;
    expect(format(text)).toBe(`rule r
  on e
  # second
  when event.a > 1 and event.b < 2  # first
do
  # on the do line
  # the sku
  # done
  let po = call x.y(sku: "a")
  # inside
  log "\${event.a}"
  if po.ok
  end
  # after end
end

# why
action a.b(sku: string) -> { id: string }
`);
  });

  it('are printed from any AST without being dropped, even where the DSL has no place for them', () => {
    const stop: Stmt = { kind: 'stop', span: Z };
    const file: SourceFile = {
      file: 'c.rule',
      form: 'dsl',
      decls: [
        {
          kind: 'rule',
          name: 'r',
          nameSpan: Z,
          clauses: [{ kind: 'manual', params: [{ name: 'p', nameSpan: Z, type: { kind: 'primitive', name: 'int', optional: false, span: Z }, trailingComment: 'param', span: Z }], span: Z }], // prettier-ignore
          body: [
            { kind: 'wait', event: { name: 'e', span: Z }, onTimeoutComments: ['no timeout'], span: Z },
            { kind: 'if', branches: [{ cond: { kind: 'bool', value: true, span: Z }, body: [stop], comments: ['first branch'], span: Z }], elseComments: ['no else'], span: Z }, // prettier-ignore
          ],
          compensateComments: ['no compensate'],
          span: Z,
        },
      ],
    };
    const printed = printDsl(file);
    expect(printed).toBe(`rule r
  # param
  manual(p: int)
do
  # no timeout
  wait for e
  # first branch
  if true
    stop
    # no else
  end
  # no compensate
end
`);
    expect(stripSpans(parse(printed).decls)).toMatchObject([{ clauses: [{ comments: ['param'] }] }]);
  });
});
