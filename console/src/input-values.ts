/**
 * The manual run form's values: the text of each field as the JSON value its declared type
 * (`manual(NAME: TYPE, ...)`, LANGUAGE.md §2) wants, or an error that names the field.
 */
import type { ManualInput } from './api';

/** Whether the input may be left out (`optional`, or a type written with a trailing `?`). */
export function isOptional(input: ManualInput): boolean {
  return input.optional || input.type.trim().endsWith('?');
}

/** The base type of a declared input type (`int?` → `int`). */
export function baseType(type: string): string {
  return type.replace(/\?$/, '').trim();
}

/** One field's text as the JSON value its type wants; `undefined` leaves an optional field out. */
export function parseField(input: ManualInput, raw: string): unknown {
  const type = baseType(input.type);
  const optional = isOptional(input);
  if (raw.trim() === '') {
    if (optional) return undefined;
    if (type === 'string') return '';
    throw new Error(`${input.name}: required (${input.type})`);
  }
  switch (type) {
    case 'int': {
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new Error(`${input.name}: expected a whole number, got "${raw}"`);
      return n;
    }
    case 'number': {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new Error(`${input.name}: expected a number, got "${raw}"`);
      return n;
    }
    case 'bool':
      return raw === 'true';
    case 'string':
    case 'time':
    case 'duration':
      return raw;
    default:
      if (type.startsWith('list<') && !raw.trim().startsWith('[')) {
        const item = baseType(type.slice(5, -1));
        return raw.split(',').map((part, i) => {
          const p = part.trim();
          if (item === 'int' || item === 'number') {
            const n = Number(p);
            if (p === '' || !Number.isFinite(n) || (item === 'int' && !Number.isInteger(n))) {
              throw new Error(
                `${input.name}[${i}]: expected ${item === 'int' ? 'a whole number' : 'a number'}, got "${p}"`,
              );
            }
            return n;
          }
          if (item === 'bool') {
            if (p !== 'true' && p !== 'false')
              throw new Error(`${input.name}[${i}]: expected true or false, got "${p}"`);
            return p === 'true';
          }
          return p;
        });
      }
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        throw new Error(`${input.name}: expected JSON for ${input.type}`);
      }
  }
}
