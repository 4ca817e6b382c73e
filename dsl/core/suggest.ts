/**
 * "Did you mean ...?" for unknown names, fields, events, actions, functions and arguments.
 *
 * Distance is the optimal-string-alignment variant of Damerau-Levenshtein (a swap of two adjacent
 * characters costs 1, which is the most common typo). A candidate is offered only when it is close
 * relative to the length of the name: otherwise a suggestion is noise.
 */

/** Edit distance with insertions, deletions, substitutions and adjacent transpositions. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        d[(i - 1) * cols + j] + 1,
        d[i * cols + j - 1] + 1,
        d[(i - 1) * cols + j - 1] + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2] + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1];
}

/** The largest distance still worth suggesting for a name of this length. */
function threshold(length: number): number {
  return Math.max(1, Math.floor(length / 3));
}

/**
 * The closest candidate to `name`, or `undefined` when none is close enough. Case differences
 * count half, so `SKU` finds `sku`; ties go to the alphabetically first candidate, for stable output.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const exact = editDistance(name, candidate);
    const folded = editDistance(lower, candidate.toLowerCase());
    const score = Math.min(exact, folded + 0.5);
    if (score > threshold(Math.max(name.length, candidate.length))) continue;
    if (score < bestScore || (score === bestScore && best !== undefined && candidate < best)) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** `"; did you mean 'x'?"`, or `""` when nothing is close: meant to end a diagnostic message. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const s = suggest(name, candidates);
  return s === undefined ? '' : `; did you mean '${s}'?`;
}
