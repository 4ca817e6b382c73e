/**
 * Maps offsets inside a YAML scalar's *value* back to offsets in the YAML *source*.
 *
 * The expression parser sees only the decoded value of a scalar (`a \"b\"` becomes `a "b"`, folded
 * lines become one line), but its diagnostics must point at the YAML file. This module rebuilds,
 * for each character of the value, where it came from. Plain and quoted flow scalars are decoded
 * exactly (escapes, `''`, line folding); block scalars are aligned greedily with their source
 * lines, which is exact for ordinary content and at least line-accurate otherwise. Every mapping
 * is checked against the value the `yaml` package produced; when the reconstruction disagrees, all
 * offsets fall back to the start of the scalar rather than pointing somewhere wrong.
 */
import type { Scalar } from 'yaml';

/** A value offset (0 ≤ offset ≤ value.length) to a source offset. */
export type OffsetMap = (offset: number) => number;

interface Decoded {
  readonly value: string;
  /** `offs[i]` is the source offset where value character `i` starts; `offs[value.length]` is the end. */
  readonly offs: readonly number[];
}

/** One source character of a flow scalar's line after escape processing. */
interface Unit {
  readonly ch: string;
  readonly off: number;
  /** Literal spaces and tabs may be trimmed by line folding; escaped ones may not. */
  readonly trimmable: boolean;
}

interface Line {
  units: Unit[];
  /** Offset of the line break that ends this line (or the end of the content). */
  breakOff: number;
  /** The line ends with `\` + line break in a double-quoted scalar: joined without a space. */
  joinNext: boolean;
}

/**
 * Builds the offset map of `node` whose source is `text`. The map is computed lazily: most
 * scalars are single-line and never need the per-character table.
 */
export function scalarOffsetMap(text: string, node: Scalar): OffsetMap {
  const range = node.range;
  if (!range) return () => 0;
  const [start, end] = range;
  if (typeof node.value !== 'string') {
    // A number, boolean or null is read from its source text, which is a single plain token.
    return node.type === 'PLAIN'
      ? (offset) => start + Math.max(0, Math.min(offset, end - start))
      : () => start;
  }
  const value = node.value;
  const src = text.slice(start, end);
  const clamp = (offset: number): number => Math.max(0, Math.min(offset, value.length));
  // Fast path: a single-line plain scalar is its own source.
  if (node.type === 'PLAIN' && src === value) return (offset) => start + clamp(offset);
  let table: readonly number[] | undefined;
  return (offset) => {
    if (table === undefined) table = buildTable(text, node, start, end, value);
    return table[clamp(offset)] ?? start;
  };
}

function buildTable(
  text: string,
  node: Scalar,
  start: number,
  end: number,
  value: string,
): readonly number[] {
  let decoded: Decoded | undefined;
  switch (node.type) {
    case 'PLAIN':
      decoded = decodeFlow(text, start, end, 'plain');
      break;
    case 'QUOTE_SINGLE':
      decoded = decodeFlow(text, start + 1, end - 1, 'single');
      break;
    case 'QUOTE_DOUBLE':
      decoded = decodeFlow(text, start + 1, end - 1, 'double');
      break;
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED':
      decoded = alignBlock(
        text,
        start,
        end,
        value,
        node.srcToken?.type === 'block-scalar' ? node.srcToken.indent : undefined,
      );
      break;
    default:
      decoded = undefined;
  }
  if (decoded && decoded.value === value) return decoded.offs;
  return new Array<number>(value.length + 1).fill(start);
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

const HEX_ESCAPES: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

function isBreak(ch: string | undefined): boolean {
  return ch === '\n' || ch === '\r';
}

/** Splits the content of a flow scalar into lines of decoded units. */
function flowLines(
  text: string,
  from: number,
  to: number,
  kind: 'plain' | 'single' | 'double',
): Line[] | undefined {
  const lines: Line[] = [];
  let units: Unit[] = [];
  let i = from;
  while (i < to) {
    const ch = text[i];
    if (isBreak(ch)) {
      lines.push({ units, breakOff: i, joinNext: false });
      units = [];
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    if (kind === 'single' && ch === "'" && text[i + 1] === "'") {
      units.push({ ch: "'", off: i, trimmable: false });
      i += 2;
      continue;
    }
    if (kind === 'double' && ch === '\\') {
      const next = text[i + 1];
      if (next === undefined || i + 1 >= to) return undefined;
      if (isBreak(next)) {
        lines.push({ units, breakOff: i, joinNext: true });
        units = [];
        i += next === '\r' && text[i + 2] === '\n' ? 3 : 2;
        continue;
      }
      const simple = SIMPLE_ESCAPES[next];
      if (simple !== undefined) {
        units.push({ ch: simple, off: i, trimmable: false });
        i += 2;
        continue;
      }
      const width = HEX_ESCAPES[next];
      if (width === undefined) return undefined;
      const hex = text.slice(i + 2, i + 2 + width);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) return undefined;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return undefined;
      // A code point above U+FFFF is two UTF-16 units; `emit` gives each its own table entry.
      units.push({ ch: String.fromCodePoint(code), off: i, trimmable: false });
      i += 2 + width;
      continue;
    }
    units.push({ ch, off: i, trimmable: ch === ' ' || ch === '\t' });
    i += 1;
  }
  lines.push({ units, breakOff: to, joinNext: false });
  return lines;
}

/** Decodes a flow scalar (plain, single- or double-quoted) with YAML line folding. */
function decodeFlow(
  text: string,
  from: number,
  to: number,
  kind: 'plain' | 'single' | 'double',
): Decoded | undefined {
  if (from > to) return undefined;
  const lines = flowLines(text, from, to, kind);
  if (!lines) return undefined;
  const chars: string[] = [];
  const offs: number[] = [];
  const emit = (units: readonly Unit[]): void => {
    for (const u of units) {
      // Split astral characters into their two UTF-16 units, both at the escape's offset.
      for (let k = 0; k < u.ch.length; k++) {
        chars.push(u.ch[k]);
        offs.push(u.off);
      }
    }
  };
  const last = lines.length - 1;
  const trimmed = lines.map((line, idx) => {
    let a = 0;
    let b = line.units.length;
    if (idx > 0) while (a < b && line.units[a].trimmable) a++;
    if (idx < last && !line.joinNext) while (b > a && line.units[b - 1].trimmable) b--;
    return line.units.slice(a, b);
  });
  emit(trimmed[0]);
  let emptyBreaks: number[] = [];
  let sepOff = trimmed[0].length > 0 ? trimmed[0][trimmed[0].length - 1].off + 1 : lines[0].breakOff;
  for (let idx = 1; idx <= last; idx++) {
    const units = trimmed[idx];
    if (lines[idx - 1].joinNext) {
      emit(units);
    } else if (idx < last && units.length === 0) {
      emptyBreaks.push(lines[idx].breakOff);
      continue;
    } else {
      if (emptyBreaks.length === 0) {
        chars.push(' ');
        offs.push(sepOff);
      } else {
        for (const off of emptyBreaks) {
          chars.push('\n');
          offs.push(off);
        }
      }
      emptyBreaks = [];
      emit(units);
    }
    sepOff = units.length > 0 ? units[units.length - 1].off + 1 : lines[idx].breakOff;
  }
  offs.push(to);
  return { value: chars.join(''), offs };
}

/**
 * Aligns a block scalar's value with its source: content characters are copied from the source
 * unchanged, and each line break becomes `\n` (literal) or `\n`/` ` (folded). Greedy alignment
 * after skipping each line's indentation is therefore exact for ordinary content.
 */
function alignBlock(
  text: string,
  start: number,
  end: number,
  value: string,
  parentIndent: number | undefined,
): Decoded | undefined {
  let p = start;
  while (p < end && !isBreak(text[p])) p++;
  // An explicit indentation indicator (`|2`, `>-1`) counts from the parent's indentation, which
  // only the source token knows; without it, the first non-empty line sets the indentation.
  const indicator = /^[|>][+-]?([1-9])?/.exec(text.slice(start, p));
  p += text[p] === '\r' && text[p + 1] === '\n' ? 2 : 1;
  const indent =
    indicator?.[1] !== undefined && parentIndent !== undefined
      ? parentIndent + Number(indicator[1])
      : blockIndent(text, p, end);
  const offs: number[] = [];
  let atLineStart = true;
  for (let i = 0; i < value.length; i++) {
    const want = value[i];
    for (;;) {
      if (p >= end) return undefined;
      if (atLineStart) {
        let skipped = 0;
        while (skipped < indent && text[p] === ' ' && p < end) {
          p++;
          skipped++;
        }
        atLineStart = false;
        if (p >= end) return undefined;
      }
      const ch = text[p];
      if (ch === want && !isBreak(ch)) break;
      if (isBreak(ch)) {
        if (want === '\n' || want === ' ') break;
        p += ch === '\r' && text[p + 1] === '\n' ? 2 : 1;
        atLineStart = true;
        continue;
      }
      p++;
    }
    offs.push(p);
    if (isBreak(text[p])) {
      p += text[p] === '\r' && text[p + 1] === '\n' ? 2 : 1;
      atLineStart = true;
    } else {
      p++;
    }
  }
  offs.push(Math.min(p, end));
  return { value, offs };
}

/** The indentation of the first non-empty line of a block scalar's content. */
function blockIndent(text: string, from: number, end: number): number {
  let p = from;
  while (p < end) {
    let n = 0;
    while (text[p + n] === ' ') n++;
    if (p + n >= end || !isBreak(text[p + n])) return n;
    p += n + 1;
  }
  return 0;
}
