/**
 * Hand-written scanners behind the DSL lexer's custom token patterns: string literals with nested
 * interpolations, and number-like lexemes (numbers, durations and malformed mixtures of both).
 * Kept apart from the token definitions because the YAML template parser scans interpolations too.
 */
import type { CustomPatternMatcherReturn } from 'chevrotain';
import { readDuration } from '../core/duration-literal';
import type { DiagnosticCode } from '../core/diagnostics';

/** A problem found before spans exist: located by UTF-16 offsets into the lexed text. */
export interface OffsetDiagnostic {
  readonly code: DiagnosticCode;
  readonly message: string;
  /** First offending character. */
  readonly start: number;
  /** One past the last offending character. */
  readonly end: number;
}

// ---------------------------------------------------------------- scanning helpers

const NEWLINE = 10;
const QUOTE = 34;
const BACKSLASH = 92;
const DOLLAR = 36;
const LBRACE = 123;
const RBRACE = 125;

/** Where a string or interpolation scanned by {@link scanNested} stops. */
export interface ScanResult {
  /** One past the closing `"` or `}` when `closed`; otherwise where scanning gave up. */
  readonly end: number;
  readonly closed: boolean;
}

/**
 * Scans from `pos` to the end of a string literal (`inString`, just after its opening quote) or of
 * an interpolation (just after its `${`), following nested strings, interpolations and braces.
 * Iterative, so arbitrarily deep nesting cannot overflow the stack. A raw newline ends a string
 * unterminated; inside interpolations it does too unless `newlineInInterpolation` (YAML templates
 * may span lines).
 */
export function scanNested(
  text: string,
  pos: number,
  inString: boolean,
  newlineInInterpolation = false,
): ScanResult {
  // -1 marks a string frame; n >= 0 an interpolation frame with n unclosed `{`.
  const stack: number[] = [inString ? -1 : 0];
  let i = pos;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const top = stack.length - 1;
    if (stack[top] === -1) {
      if (c === QUOTE) {
        stack.pop();
        i++;
        if (stack.length === 0) return { end: i, closed: true };
      } else if (c === BACKSLASH) {
        if (i + 1 >= text.length || text.charCodeAt(i + 1) === NEWLINE) return { end: i + 1, closed: false };
        i += 2;
      } else if (c === DOLLAR && text.charCodeAt(i + 1) === LBRACE) {
        stack.push(0);
        i += 2;
      } else if (c === NEWLINE) {
        return { end: i, closed: false };
      } else {
        i++;
      }
    } else if (c === QUOTE) {
      stack.push(-1);
      i++;
    } else if (c === LBRACE) {
      stack[top]++;
      i++;
    } else if (c === RBRACE) {
      if (stack[top] === 0) {
        stack.pop();
        i++;
        if (stack.length === 0) return { end: i, closed: true };
      } else {
        stack[top]--;
        i++;
      }
    } else if (c === NEWLINE && !newlineInInterpolation) {
      return { end: i, closed: false };
    } else {
      i++;
    }
  }
  return { end: text.length, closed: false };
}

/** Payload of a string token. */
export interface StringPayload {
  readonly closed: boolean;
}

/** Payload of a number token: its value, or why the literal is not a valid number. */
export interface NumberPayload {
  readonly value: number;
  readonly problem?: string;
}

/** Payload of a duration token: its length, or why it is not a valid duration. */
export interface DurationPayload {
  readonly ms: number;
  readonly problem?: string;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The extent of a number-like lexeme: a digit, word characters, and at most one `.digits...` part. */
function numberLikeEnd(text: string, offset: number): number {
  if (!isDigit(text.charCodeAt(offset))) return offset;
  let j = offset + 1;
  while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
  // `1.5`, and the malformed `1.2.3` as one token; `1.` too, unless a name follows (member access).
  while (text.charCodeAt(j) === 46) {
    const next = text.charCodeAt(j + 1);
    if (isDigit(next)) {
      j += 2;
      while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
    } else if (!isWordChar(next)) {
      return j + 1;
    } else {
      break;
    }
  }
  return j;
}

function withPayload(image: string, payload: unknown): CustomPatternMatcherReturn {
  const result = [image] as CustomPatternMatcherReturn;
  result.payload = payload;
  return result;
}

/** Start characters of number-like lexemes (a chevrotain lexer optimization hint). */
export const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Matches a whole string literal at `offset`, closed or not (see {@link StringPayload}). */
export function matchString(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (text.charCodeAt(offset) !== QUOTE) return null;
  const scan = scanNested(text, offset + 1, true);
  const payload: StringPayload = { closed: scan.closed };
  return withPayload(text.slice(offset, scan.end), payload);
}

/** Matches a number-like lexeme that is an attempt at a duration: digits then a unit letter. */
export function matchDuration(text: string, offset: number): CustomPatternMatcherReturn | null {
  const end = numberLikeEnd(text, offset);
  if (end === offset) return null;
  const image = text.slice(offset, end);
  // A duration attempt is digits followed by a unit letter (`5m`, `1m30h`, `5mins`); `12abc` and
  // `1e5` are malformed numbers instead.
  if (!/^[\d.]+[wdhms]/.test(image)) return null;
  const reading = readDuration(image);
  const payload: DurationPayload = 'ms' in reading ? { ms: reading.ms } : { ms: 0, problem: reading.problem };
  return withPayload(image, payload);
}

/** Matches any other number-like lexeme, valid (`42`, `3.75`) or not (`12abc`, `1.2.3`). */
export function matchNumber(text: string, offset: number): CustomPatternMatcherReturn | null {
  const end = numberLikeEnd(text, offset);
  if (end === offset) return null;
  const image = text.slice(offset, end);
  let payload: NumberPayload;
  if (!/^\d+(\.\d+)?$/.test(image)) {
    payload = { value: 0, problem: `\`${shorten(image)}\` is not a valid number` };
  } else {
    const value = Number(image);
    payload = Number.isFinite(value)
      ? { value }
      : { value: 0, problem: `the number \`${shorten(image)}\` is too large` };
  }
  return withPayload(image, payload);
}

function shorten(s: string): string {
  return s.length > 24 ? `${s.slice(0, 20)}...` : s;
}
