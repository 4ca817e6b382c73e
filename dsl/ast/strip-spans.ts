/**
 * Removes source positions from an AST so two ASTs can be compared structurally: every key named
 * `span` or ending in `Span` (`nameSpan`, `fnSpan`, `cronSpan`, ...) is dropped, recursively.
 * The input is not modified.
 *
 * Comments are kept: both front ends read a comment into the same field and both printers write it
 * back where it is read from, so "the same AST" after a round trip includes its comments.
 */
export function stripSpans<T>(value: T): T {
  return strip(value) as T;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'span' || key.endsWith('Span')) continue;
    out[key] = strip(v);
  }
  return out;
}
