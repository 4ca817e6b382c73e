/**
 * Opaque page cursors of the listings (`nextCursor`): a small JSON value, base64url-encoded. A
 * cursor is only a position; each listing checks that what it decodes has the shape it wrote.
 */

import { NotFoundProblem } from './problems';

/**
 * 404: a cursor names a page of one listing (and its filters); one that is not ours, was made for
 * other filters, or that the store no longer knows names no page.
 */
export function unknownCursor(): NotFoundProblem {
  return new NotFoundProblem(
    'no page with this cursor (cursors are tied to their listing and filters): list again without it',
  );
}

/** The cursor text of `position`. */
export function encodeCursor(position: Readonly<Record<string, string | number>>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** The position a cursor holds, as a record to check field by field; undefined for garbage. */
export function decodeCursor(cursor: unknown): Readonly<Record<string, unknown>> | undefined {
  if (typeof cursor !== 'string' || cursor.length > 4096) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
