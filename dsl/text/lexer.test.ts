import { tokenMatcher } from 'chevrotain';
import * as T from './lexer';

function kinds(text: string): string[] {
  return T.lex(text).tokens.map((t) => `${t.tokenType.name}:${t.image}`);
}

function problems(text: string): string[] {
  return T.lex(text).problems.map((p) => `${p.code}@${p.start}-${p.end}`);
}

describe('lex', () => {
  it('splits a line into tokens and skips whitespace and comments', () => {
    expect(
      kinds('let qty = max(a, 2) # 注释: a comment\n  -> ?. ?? ? == != <= >= < > + - * / % [ ] { } : .'),
    ).toEqual([
      'KwLet:let',
      'Identifier:qty',
      'Assign:=',
      'KwMax:max',
      'LParen:(',
      'Identifier:a',
      'Comma:,',
      'NumberLit:2',
      'RParen:)',
      ...[
        'Arrow:->',
        'QuestionDot:?.',
        'Coalesce:??',
        'Question:?',
        'EqEq:==',
        'NotEq:!=',
        'LtEq:<=',
        'GtEq:>=',
      ],
      ...['Lt:<', 'Gt:>', 'Plus:+', 'Minus:-', 'Star:*', 'Slash:/', 'Percent:%', 'LBracket:[', 'RBracket:]'],
      ...['LCurly:{', 'RCurly:}', 'Colon::', 'Dot:.'],
    ]);
  });

  it('lexes keywords only as whole words', () => {
    expect(kinds('letter let int in events event _end end2 end')).toEqual([
      'Identifier:letter',
      'KwLet:let',
      'Identifier:int',
      'KwIn:in',
      'Identifier:events',
      'KwEvent:event',
      'Identifier:_end',
      'Identifier:end2',
      'KwEnd:end',
    ]);
  });

  it('keeps soft keywords usable as names, and every word usable as a member name', () => {
    const [event, input, rule, inKw, end, nullKw] = T.lex('event input rule in end null').tokens;
    for (const t of [event, input, rule]) expect(tokenMatcher(t, T.Name)).toBe(true);
    for (const t of [inKw, end, nullKw]) {
      expect(tokenMatcher(t, T.Name)).toBe(false);
      expect(tokenMatcher(t, T.AnyName)).toBe(true);
    }
  });

  it('lexes a string with nested interpolations as one token', () => {
    const text = '"PO ${po.id} ${ {a: "}"}.a } ${"x${y}"} 中文 \\" \\\\ \\$" after';
    expect(kinds(text)).toEqual([`StringLit:${text.slice(0, -6)}`, 'Identifier:after']);
    expect(T.lex(text).problems).toEqual([]);
  });

  it('does not treat # inside a string as a comment', () => {
    expect(kinds('"#ops" x')).toEqual(['StringLit:"#ops"', 'Identifier:x']);
  });

  it('reports a string left open at the end of its line', () => {
    expect(kinds('log "abc\nend')).toEqual(['KwLog:log', 'StringLit:"abc', 'KwEnd:end']);
    expect(problems('log "abc\nend')).toEqual(['unterminated-string@4-8']);
    expect(problems('"a ${ "b }"')).toEqual(['unterminated-string@0-11']);
    expect(problems('"abc\\')).toEqual(['unterminated-string@0-5']);
  });

  it('tells numbers, durations and malformed mixtures apart', () => {
    expect(kinds('42 3.75 007 30s 5m 4h 1h30m 2d 1w 250ms')).toEqual([
      'NumberLit:42',
      'NumberLit:3.75',
      'NumberLit:007',
      ...['DurationLit:30s', 'DurationLit:5m', 'DurationLit:4h', 'DurationLit:1h30m', 'DurationLit:2d'],
      ...['DurationLit:1w', 'DurationLit:250ms'],
    ]);
    expect(T.lex('1h30m').tokens[0].payload).toEqual({ ms: 5_400_000 });
    expect(T.lex('3.75').tokens[0].payload).toEqual({ value: 3.75 });
  });

  it('reports malformed numbers and durations as single tokens', () => {
    expect(problems('1m30h 1h1h 5mins 1.5h 1h30')).toEqual([
      'invalid-duration@0-5',
      'invalid-duration@6-10',
      'invalid-duration@11-16',
      'invalid-duration@17-21',
      'invalid-duration@22-26',
    ]);
    expect(problems('12abc 1e5 1. 1.2.3 1_000')).toEqual([
      'invalid-number@0-5',
      'invalid-number@6-9',
      'invalid-number@10-12',
      'invalid-number@13-18',
      'invalid-number@19-24',
    ]);
    expect(problems('9'.repeat(400))).toEqual(['invalid-number@0-400']);
  });

  it('lexes a number followed by a member access', () => {
    expect(kinds('1.abs items[0].name')).toEqual([
      'NumberLit:1',
      'Dot:.',
      'Identifier:abs',
      'Identifier:items',
      'LBracket:[',
      'NumberLit:0',
      'RBracket:]',
      'Dot:.',
      'Identifier:name',
    ]);
  });

  it('reports unknown characters, grouped, with hints', () => {
    const r = T.lex('a && b ; 中文 c');
    expect(r.problems.map((p) => p.message)).toEqual([
      'unexpected characters `&&`',
      'unexpected character `;` (statements need no `;`)',
      'unexpected characters `中文`',
    ]);
    expect(r.tokens.map((t) => t.image)).toEqual(['a', 'b', 'c']);
    expect(T.lex('!x').problems[0].message).toContain('write `not`');
  });

  it('caps the number of character errors', () => {
    expect(T.lex('a\u0001'.repeat(1000)).problems).toHaveLength(100);
  });
});

describe('scanNested', () => {
  it('finds the end of an interpolation, following strings and braces', () => {
    const text = '${ {a: "}"}.a } rest';
    expect(T.scanNested(text, 2, false)).toEqual({ end: 15, closed: true });
  });

  it('lets interpolations of templates span lines only when asked', () => {
    expect(T.scanNested('${a +\n b}', 2, false)).toEqual({ end: 5, closed: false });
    expect(T.scanNested('${a +\n b}', 2, false, true)).toEqual({ end: 9, closed: true });
  });
});
