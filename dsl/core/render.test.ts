import { error, warning } from './diagnostics';
import { diagnosticToJson, renderDiagnostic, renderDiagnostics } from './render';

const span = (line: number, column: number, endLine: number, endColumn: number) => ({
  file: 'rules/restock.rule',
  line,
  column,
  endLine,
  endColumn,
});

describe('rendering diagnostics', () => {
  const source = 'rule r\n  when event.availble < 3\ndo\nend\n';

  it('gives FILE:LINE:COLUMN: severity CODE: message, the source line and a caret under the span', () => {
    const d = error('unknown-field', 'no field `availble`; did you mean `available`?', span(2, 14, 2, 22));
    expect(renderDiagnostic(d, source)).toBe(
      [
        'rules/restock.rule:2:14: error unknown-field: no field `availble`; did you mean `available`?',
        '    when event.availble < 3',
        '               ^~~~~~~~',
      ].join('\n'),
    );
  });

  it('renders without a source line when the file text is unknown', () => {
    const d = error('file-not-found', 'no such file or folder', span(1, 1, 1, 1));
    expect(renderDiagnostic(d)).toBe('rules/restock.rule:1:1: error file-not-found: no such file or folder');
  });

  it('lines the caret up under Chinese text, which takes two terminal columns a character', () => {
    const text = 'log "库存不足" + nope\n';
    const d = error('unknown-name', 'unknown name `nope`', span(1, 14, 1, 18));
    const [, line, caret] = renderDiagnostic(d, text).split('\n');
    expect(line).toBe('  log "库存不足" + nope');
    expect(caret).toBe('  ' + ' '.repeat(4 + 1 + 8 + 1 + 3) + '^~~~');
  });

  it('keeps tabs so the caret stays aligned', () => {
    const d = warning('unused-binding', 'x is never used', span(1, 2, 1, 3));
    expect(renderDiagnostic(d, '\tx\n').split('\n')[2]).toBe('  \t^');
  });

  it('gives the JSON shape of --format json', () => {
    const d = error('unknown-name', 'unknown name `q`', span(3, 5, 3, 6));
    expect(diagnosticToJson(d)).toEqual({
      file: 'rules/restock.rule',
      line: 3,
      column: 5,
      endLine: 3,
      endColumn: 6,
      severity: 'error',
      code: 'unknown-name',
      message: 'unknown name `q`',
    });
  });

  it('closes a list with the counts', () => {
    const out = renderDiagnostics(
      [error('unknown-name', 'a', span(1, 1, 1, 2)), warning('unused-binding', 'b', span(2, 1, 2, 2))],
      new Map([['rules/restock.rule', source]]),
    );
    expect(out.trimEnd().split('\n').pop()).toBe('1 error, 1 warning');
  });
});
