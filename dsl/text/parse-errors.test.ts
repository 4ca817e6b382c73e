import type { Diagnostic } from '../core/diagnostics';
import { MAX_NESTING } from './nesting-guard';
import { parseDsl } from './parse-dsl';

function problems(text: string): string[] {
  return parseDsl('bad.rule', text).diagnostics.map(show);
}

function show(d: Diagnostic): string {
  return `${d.span.line}:${d.span.column}-${d.span.endLine}:${d.span.endColumn} ${d.code}: ${d.message}`;
}

describe('syntax errors', () => {
  it('reports several errors in one file and keeps every declaration it can', () => {
    const text = [
      'rule a', //             1
      '  on x.y', //           2
      '  when event.q ==', //  3
      'do', //                 4
      '  let n = 1 +* 2', //   5
      '  log "ok"', //         6
      'end', //                7
      '', //                   8
      'event e { a: int, b: strng }', // 9
      '', //                   10
      'rule b', //             11
      '  on x.z', //           12
      '  concurrency sometimes', // 13
      'do', //                 14
      '  call a.b(x: 1 y: 2)', // 15
      'end', //                16
    ].join('\n');
    const r = parseDsl('bad.rule', text);
    expect(r.diagnostics.map(show)).toEqual([
      '4:1-4:3 unexpected-token: expected an expression, found `do`',
      '5:14-5:15 unexpected-token: expected an expression, found `*`',
      '9:22-9:27 unknown-type: unknown type `strng`; types are string, number, int, bool, time, duration, any, list<T> and { name: T }', // prettier-ignore
      '13:15-13:24 unexpected-token: expected `single`, `replace`, `queue` or `parallel`, found `sometimes`',
      '15:17-15:18 unexpected-token: expected `)`, found `y`',
    ]);
    // The broken pieces are left out; the rest of each declaration is kept for the checker.
    expect(r.file.decls.map((d) => d.name)).toEqual(['a', 'e', 'b']);
    const a = r.file.decls[0];
    expect(a.kind === 'rule' && a.clauses.map((c) => c.kind)).toEqual(['on']);
    expect(a.kind === 'rule' && a.body.map((s) => s.kind)).toEqual(['log']);
  });

  it('names the block a missing `end` should close', () => {
    const text = 'rule a\n  on x\ndo\n  if event.ok\n    log 1\n  log 2\nend\n\nrule b\n  on y\ndo\nend\n';
    const r = parseDsl('bad.rule', text);
    expect(r.diagnostics.map(show)).toEqual([
      '9:1-9:5 missing-end: expected `end` to close the `rule` at line 1, found the `rule` at line 9',
    ]);
    expect(r.file.decls.map((d) => d.name)).toEqual(['a', 'b']);
    expect(problems('rule a on x do\n  for each i in xs\n    log i\n')).toEqual([
      '3:10-3:10 missing-end: expected `end` to close the `for each` at line 2, found the end of the file',
    ]);
    expect(problems('rule a on x do\n  wait for e within 1h\n    on timeout\n      stop\n')[0]).toContain(
      'close the `on timeout` at line 3',
    );
  });

  it('reports an unexpected end of file', () => {
    expect(problems('rule a on x do log')).toEqual(['1:19-1:19 unexpected-end: expected an expression, found the end of the file']); // prettier-ignore
    expect(problems('event e {')).toEqual([
      '1:10-1:10 unexpected-end: expected `}`, found the end of the file',
    ]);
  });

  it('reports stray tokens between and after declarations', () => {
    expect(problems('junk here\nrule a on x do end end\n')).toEqual([
      '1:1-1:5 unexpected-token: expected `rule`, `event` or `action`, found `junk`',
      '2:20-2:23 unexpected-token: this `end` does not close anything',
    ]);
  });

  it('reports a missing `do` and a `parallel` without branches', () => {
    expect(problems('rule a on x log 1 end')).toEqual([
      '1:13-1:16 unexpected-token: expected `do`, found `log`',
    ]);
    expect(problems('rule a on x do parallel end end')).toEqual([
      '1:16-1:24 unexpected-token: a `parallel` needs at least one `branch`',
    ]);
  });

  it('rejects chained comparisons and calls of non-functions', () => {
    expect(problems('rule a on x when a < b < c do end')).toEqual([
      '1:24-1:25 unexpected-token: unexpected `<`: expected a clause or `do` (comparisons do not chain: write `a < b and b < c`)',
    ]);
    expect(problems('rule a on x do log a.b(1) end')).toEqual([
      '1:23-1:24 unexpected-token: only functions can be called, as in `max(a, b)`',
    ]);
  });

  it('rejects interpolation where plain text is required', () => {
    expect(problems('rule a "d ${x}" every "${y}" do end')).toEqual([
      '1:13-1:14 unexpected-token: a rule description cannot contain `${...}` (write `\\$` for a literal `$`)',
      '1:26-1:27 unexpected-token: a cron expression cannot contain `${...}` (write `\\$` for a literal `$`)',
    ]);
  });
});

describe('lexical errors in context', () => {
  it('locates them and suppresses the syntax errors they cause', () => {
    const text =
      'rule a on x do\n  log a && b\n  log "中文\n  log "\\q ${1m30h} ${12abc}"\n  sleep 1m30h\nend\n';
    expect(problems(text)).toEqual([
      '2:9-2:11 invalid-character: unexpected characters `&&`',
      '3:7-3:10 unterminated-string: this string is not closed: add a `"` before the end of the line',
      '4:8-4:10 invalid-escape: `\\q` is not a valid escape (use \\" \\\\ \\n \\t or \\$)',
      '4:13-4:18 invalid-duration: `1m30h` is not a valid duration: units must go from largest to smallest (e.g. `1h30m`)',
      '4:22-4:27 invalid-number: `12abc` is not a valid number',
      '5:9-5:14 invalid-duration: `1m30h` is not a valid duration: units must go from largest to smallest (e.g. `1h30m`)',
    ]);
  });

  it('reports an empty interpolation', () => {
    expect(problems('rule a on x do log "a ${ } b" end')).toEqual([
      '1:23-1:27 unexpected-token: expected an expression inside `${}`',
    ]);
  });
});

describe('nesting limits', () => {
  const deep = (n: number) => `rule a on x do log ${'('.repeat(n)}1${')'.repeat(n)} end`;

  it(`accepts ${MAX_NESTING} levels and reports more`, () => {
    expect(problems(deep(MAX_NESTING))).toEqual([]);
    expect(problems(deep(MAX_NESTING + 1))).toEqual([
      `1:${20 + MAX_NESTING}-1:${21 + MAX_NESTING} nesting-too-deep: this is nested too deeply (more than 64 levels); split it up`,
    ]);
  });

  it('counts blocks, brackets and interpolations together', () => {
    const ifs = 'if a\n'.repeat(40);
    const ends = 'end\n'.repeat(40);
    const strings = '"${'.repeat(30) + 'x' + '}"'.repeat(30);
    expect(problems(`rule a on x do\n${ifs}log ${strings}\n${ends}end`).map((p) => p.split(' ')[1])).toEqual([
      'nesting-too-deep:',
    ]);
  });

  it('survives absurd nesting', () => {
    const r = parseDsl('bad.rule', `rule a on x do log ${'['.repeat(100_000)}${']'.repeat(100_000)} end`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['nesting-too-deep']);
    expect(r.file.decls).toHaveLength(1);
    const open = parseDsl('bad.rule', `rule a on x do log ${'f('.repeat(100_000)} end`);
    expect(open.diagnostics[0].code).toBe('nesting-too-deep');
  });
});
