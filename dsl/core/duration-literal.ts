/**
 * Duration literals (`30s`, `1h30m`, `250ms`, `1w`), shared by the DSL lexer and the YAML front end.
 *
 * A duration is one or more `<integer><unit>` parts with units `w d h m s ms`, each unit at most once
 * and largest first, so every duration has exactly one spelling per set of parts (`1m30h` is
 * rejected rather than guessed at).
 */

/** Milliseconds per unit, largest first: the order parts must appear in. */
const UNITS: readonly (readonly [string, number])[] = [
  ['w', 7 * 24 * 60 * 60 * 1000],
  ['d', 24 * 60 * 60 * 1000],
  ['h', 60 * 60 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
];

/** The outcome of reading a duration literal: its length in ms, or why it is not valid. */
export type DurationReading = { readonly ms: number } | { readonly problem: string };

const UNIT_LIST = '`ms s m h d w`';

/**
 * Reads a duration literal exactly as written (no surrounding whitespace). On failure the
 * `problem` is a human sentence suitable for an `invalid-duration` diagnostic.
 */
export function readDuration(text: string): DurationReading {
  if (text.length === 0) return { problem: 'a duration cannot be empty' };
  if (text.length > 200) return { problem: 'this duration is too long' };
  if (text.includes('.')) {
    return {
      problem: `\`${text}\` is not a valid duration: durations use whole numbers (write \`1h30m\`, not \`1.5h\`)`,
    };
  }
  const part = /(\d+)([A-Za-z_]*)/y;
  let offset = 0;
  let total = 0;
  let lastRank = -1;
  while (offset < text.length) {
    part.lastIndex = offset;
    const m = part.exec(text);
    if (!m || m[0].length === 0) {
      return {
        problem: `\`${text}\` is not a valid duration: expected \`<integer><unit>\` parts such as \`1h30m\``,
      };
    }
    const unit = m[2];
    if (unit === '') {
      return {
        problem: `\`${text}\` is not a valid duration: the number \`${m[1]}\` has no unit (one of ${UNIT_LIST})`,
      };
    }
    const rank = UNITS.findIndex(([u]) => u === unit);
    if (rank < 0) {
      return {
        problem: `\`${text}\` is not a valid duration: unknown unit \`${unit}\` (use one of ${UNIT_LIST})`,
      };
    }
    if (rank <= lastRank) {
      const why =
        rank === lastRank ? `the unit \`${unit}\` appears twice` : 'units must go from largest to smallest';
      return { problem: `\`${text}\` is not a valid duration: ${why} (e.g. \`1h30m\`)` };
    }
    lastRank = rank;
    total += Number(m[1]) * UNITS[rank][1];
    offset += m[0].length;
  }
  if (!Number.isSafeInteger(total)) return { problem: `\`${text}\` is too long a duration` };
  return { ms: total };
}

/**
 * Parses a duration written as text, e.g. a YAML value `within: 2d`, and returns its length in
 * milliseconds, or `undefined` when it is not a valid duration. Surrounding whitespace is ignored.
 */
export function parseDurationText(text: string): number | undefined {
  const reading = readDuration(text.trim());
  return 'ms' in reading ? reading.ms : undefined;
}
