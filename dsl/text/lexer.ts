/**
 * Tokens and lexer of the textual DSL (chevrotain).
 *
 * Keywords are *soft*: every word is lexed as its keyword token, but keyword tokens also belong to
 * the `Name` category, so the grammar accepts them wherever it wants a plain name (`event`, `input`
 * and `rule` are ordinary names inside expressions). Only the expression words `and or not in true
 * false null` and the block words `do end else branch compensate` are kept out of `Name` (a stray
 * `end` must close a block, not become a variable); they still belong to `AnyName`, which is what
 * the grammar asks for after a `.` and for field names, so `event.in` and `{ end: 1 }` work.
 *
 * Strings are lexed as one token by a custom matcher that understands nested `${ ... }`
 * interpolations (with strings and braces inside); the interpolated expressions are parsed later
 * from the token's text. Numbers and durations share one custom matcher so `1h30m`, `42`, `1m30h`
 * and `12abc` each become a single token that can carry a precise diagnostic.
 */
import { createToken, Lexer } from 'chevrotain';
import type { IToken, TokenType } from 'chevrotain';
import { Codes } from '../core/diagnostics';
import { DIGITS, matchDuration, matchNumber, matchString } from './lexer-scan';
import type { DurationPayload, NumberPayload, OffsetDiagnostic, StringPayload } from './lexer-scan';

export { scanNested } from './lexer-scan';
export type {
  DurationPayload,
  NumberPayload,
  OffsetDiagnostic,
  ScanResult,
  StringPayload,
} from './lexer-scan';

// ---------------------------------------------------------------- token types

/** Every token: what the parser's error-recovery rule skips over (a bad line in a block). */
export const AnyToken = createToken({ name: 'AnyToken', pattern: Lexer.NA, label: 'anything' });
/** Every word the grammar may accept as a plain name (identifiers and soft keywords). */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA, label: 'a name' });
/** Any word at all, including `and or not in true false null`: member and field names. */
export const AnyName = createToken({ name: 'AnyName', pattern: Lexer.NA, label: 'a name' });
/** A word that is not a keyword. */
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [Name, AnyName, AnyToken],
  label: 'a name',
});

function softKeyword(word: string): TokenType {
  const name = `Kw${word[0].toUpperCase()}${word.slice(1)}`;
  return createToken({
    name,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Name, AnyName, AnyToken],
    label: `\`${word}\``,
  });
}

function hardKeyword(word: string): TokenType {
  const name = `Kw${word[0].toUpperCase()}${word.slice(1)}`;
  return createToken({
    name,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [AnyName, AnyToken],
    label: `\`${word}\``,
  });
}

/** Soft keywords: keywords where the grammar expects them, plain names everywhere else. */
export const Rule = softKeyword('rule');
export const Event = softKeyword('event');
export const Action = softKeyword('action');
export const On = softKeyword('on');
export const Every = softKeyword('every');
export const Timezone = softKeyword('timezone');
export const Manual = softKeyword('manual');
export const When = softKeyword('when');
export const Key = softKeyword('key');
export const Concurrency = softKeyword('concurrency');
export const Timeout = softKeyword('timeout');
export const Disabled = softKeyword('disabled');
/** Block words are reserved: a stray `end` must close a block, not become a variable. */
export const Do = hardKeyword('do');
export const Compensate = hardKeyword('compensate');
export const End = hardKeyword('end');
export const Let = softKeyword('let');
export const SetKw = softKeyword('set');
export const Call = softKeyword('call');
export const Retry = softKeyword('retry');
export const Backoff = softKeyword('backoff');
export const If = softKeyword('if');
export const Else = hardKeyword('else');
export const Sleep = softKeyword('sleep');
export const Until = softKeyword('until');
export const Wait = softKeyword('wait');
export const For = softKeyword('for');
export const Each = softKeyword('each');
export const As = softKeyword('as');
export const Where = softKeyword('where');
export const Within = softKeyword('within');
export const Approve = softKeyword('approve');
export const By = softKeyword('by');
export const Parallel = softKeyword('parallel');
export const Branch = hardKeyword('branch');
export const Emit = softKeyword('emit');
export const Log = softKeyword('log');
export const Stop = softKeyword('stop');
export const Fail = softKeyword('fail');
export const List = softKeyword('list');
/** v2 words: flow control clauses, `cancel on`, `wait for first ... case`. */
export const Debounce = softKeyword('debounce');
export const MaxKw = softKeyword('max');
export const Batch = softKeyword('batch');
export const Throttle = softKeyword('throttle');
export const Limit = softKeyword('limit');
export const Per = softKeyword('per');
export const Cancel = softKeyword('cancel');
export const First = softKeyword('first');
export const Case = softKeyword('case');

/** Expression words: never plain names (but fine as member and field names). */
export const And = hardKeyword('and');
export const Or = hardKeyword('or');
export const Not = hardKeyword('not');
export const In = hardKeyword('in');
export const True = hardKeyword('true');
export const False = hardKeyword('false');
export const Null = hardKeyword('null');

/** A whole string literal, interpolations included (payload: {@link StringPayload}). */
export const StringLit = createToken({
  name: 'StringLit',
  categories: [AnyToken],
  pattern: { exec: matchString },
  start_chars_hint: ['"'],
  line_breaks: false,
  label: 'a string',
});
/** `1h30m` and malformed duration attempts such as `1m30h` (payload: {@link DurationPayload}). */
export const DurationLit = createToken({
  name: 'DurationLit',
  categories: [AnyToken],
  pattern: { exec: matchDuration },
  start_chars_hint: DIGITS,
  line_breaks: false,
  label: 'a duration',
});
/** `42`, `3.75` and malformed numbers such as `12abc` (payload: {@link NumberPayload}). */
export const NumberLit = createToken({
  name: 'NumberLit',
  categories: [AnyToken],
  pattern: { exec: matchNumber },
  start_chars_hint: DIGITS,
  line_breaks: false,
  label: 'a number',
});

function punct(name: string, image: string): TokenType {
  return createToken({ name, pattern: image, label: `\`${image}\``, categories: [AnyToken] });
}

/** Punctuation and operators. */
export const Arrow = punct('Arrow', '->');
export const Coalesce = punct('Coalesce', '??');
export const QuestionDot = punct('QuestionDot', '?.');
export const Question = punct('Question', '?');
export const EqEq = punct('EqEq', '==');
export const NotEq = punct('NotEq', '!=');
export const LtEq = punct('LtEq', '<=');
export const GtEq = punct('GtEq', '>=');
export const Lt = punct('Lt', '<');
export const Gt = punct('Gt', '>');
export const Assign = punct('Assign', '=');
export const Plus = punct('Plus', '+');
export const Minus = punct('Minus', '-');
export const Star = punct('Star', '*');
export const Slash = punct('Slash', '/');
export const Percent = punct('Percent', '%');
export const LParen = punct('LParen', '(');
export const RParen = punct('RParen', ')');
export const LBracket = punct('LBracket', '[');
export const RBracket = punct('RBracket', ']');
export const LCurly = punct('LCurly', '{');
export const RCurly = punct('RCurly', '}');
export const Comma = punct('Comma', ',');
export const Colon = punct('Colon', ':');
export const Dot = punct('Dot', '.');

const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\f\v\uFEFF]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
/**
 * Comments are not skipped but set aside in the `comments` group: the parser never sees them, and
 * `dsl-comments.ts` puts them on the AST by position so that formatting keeps them.
 */
const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: 'comments' });

const softKeywords = [
  Rule, Event, Action, On, Every, Timezone, Manual, When, Key, Concurrency, Timeout, Disabled, Let, SetKw, Call,
  Retry, Backoff, If, Sleep, Until, Wait, For, Each, As, Where, Within, Approve, By, Parallel, Emit, Log, Stop, Fail,
  List, Debounce, MaxKw, Batch, Throttle, Limit, Per, Cancel, First, Case,
]; // prettier-ignore
const hardKeywords = [And, Or, Not, In, True, False, Null, Do, End, Else, Branch, Compensate];

/** All token types, in lexing order; the parser is built from this list. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLit,
  DurationLit,
  NumberLit,
  Arrow,
  Coalesce,
  QuestionDot,
  Question,
  EqEq,
  NotEq,
  LtEq,
  GtEq,
  Lt,
  Gt,
  Assign,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LCurly,
  RCurly,
  Comma,
  Colon,
  Dot,
  ...softKeywords,
  ...hardKeywords,
  Identifier,
  Name,
  AnyName,
  AnyToken,
];

/** Words that begin a statement or close a block: an optional trailing expression stops before them. */
export const statementStarters: readonly TokenType[] = [
  Let, SetKw, Call, If, Else, End, Sleep, Wait, Approve, Parallel, For, Emit, Log, Stop, Fail, Branch, Compensate,
]; // prettier-ignore

/**
 * Words that, at the start of a line, begin a statement or a clause rather than continue an
 * expression: `when a ==⏎ key b` reports the missing operand instead of comparing with `key`.
 */
export const lineStartWords: readonly TokenType[] = [
  ...statementStarters, On, Every, Manual, When, Key, Concurrency, Timeout, Disabled, Debounce, Batch, Throttle,
  Limit, Cancel, Case,
]; // prettier-ignore

// ---------------------------------------------------------------- the lexer

const MAX_CHARACTER_ERRORS = 100;

const dslLexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true });

/** Tokens of a text plus the lexical problems found in it. */
export interface LexResult {
  readonly tokens: IToken[];
  /** The comments (`#` to the end of the line), in source order; not among `tokens`. */
  readonly comments: IToken[];
  readonly problems: OffsetDiagnostic[];
}

const HINTS: Readonly<Record<string, string>> = {
  '&': ' (write `and`)',
  '|': ' (write `or`)',
  '!': ' (write `not`, or `!=` for inequality)',
  "'": ' (strings use double quotes)',
  ';': ' (statements need no `;`)',
  '\u201c': ' (strings use plain double quotes `"`)',
  '\u201d': ' (strings use plain double quotes `"`)',
};

function describeChars(chars: string): string {
  const shown = [...chars.slice(0, 20)]
    .map((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      return code < 32 || code === 127 || (code >= 0xd800 && code <= 0xdfff)
        ? `\\u{${code.toString(16)}}`
        : ch;
    })
    .join('');
  const more = chars.length > 20 ? '...' : '';
  const hint = chars.length === 1 ? (HINTS[chars] ?? '') : '';
  return chars.length === 1
    ? `unexpected character \`${shown}\`${hint}`
    : `unexpected characters \`${shown}${more}\``;
}

/**
 * Splits `text` into tokens. Never throws: unknown characters are skipped and reported as
 * `invalid-character`; malformed strings, numbers and durations still become tokens (so parsing
 * continues) and are reported here.
 */
export function lex(text: string): LexResult {
  const result = dslLexer.tokenize(text);
  const problems: OffsetDiagnostic[] = [];
  // Past a hundred, unknown characters are noise (a binary file, the wrong encoding).
  for (const e of result.errors.slice(0, MAX_CHARACTER_ERRORS)) {
    const chars = text.slice(e.offset, e.offset + e.length);
    problems.push({
      code: Codes.invalidCharacter,
      message: describeChars(chars),
      start: e.offset,
      end: e.offset + e.length,
    });
  }
  for (const t of result.tokens) {
    const start = t.startOffset;
    const end = start + t.image.length;
    if (t.tokenType === StringLit) {
      if (!(t.payload as StringPayload).closed) {
        problems.push({
          code: Codes.unterminatedString,
          message: 'this string is not closed: add a `"` before the end of the line',
          start,
          end,
        });
      }
    } else if (t.tokenType === NumberLit || t.tokenType === DurationLit) {
      const problem = (t.payload as NumberPayload | DurationPayload).problem;
      if (problem !== undefined) {
        const code = t.tokenType === NumberLit ? Codes.invalidNumber : Codes.invalidDuration;
        problems.push({ code, message: problem, start, end });
      }
    }
  }
  return { tokens: result.tokens, comments: result.groups.comments ?? [], problems };
}
