/**
 * Opaque page cursors of the listings (`nextCursor`): a small JSON value, base64url-encoded. A
 * cursor is only a position; each listing checks that what it decodes has the shape it wrote.
 */

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
