/**
 * Reading events from outside: CloudEvents 1.0 in structured mode (one JSON object, or a batch as
 * a JSON array) and opsflow's short form `{ id, type, data, time? }`. Pure: it checks the envelope
 * and the size of the data, and leaves schema checks to the store, which knows the rules.
 *
 * Decisions: an object with `specversion` is a CloudEvent (and `specversion` must be "1.0"),
 * anything else is the short form; `source` and `subject` are optional in both (kept when given);
 * data must be a JSON object (rules read named fields), given inline — `data_base64` and non-JSON
 * `datacontenttype` are refused; extension attributes are ignored.
 */
import { isPlainObject, parseTime } from '../../dsl/runtime';
import type { EventProblem } from '../errors';

/** Bounds on what one request may carry. */
export interface IngestLimits {
  /** Bytes of one event's `data` as JSON (default 256 KiB). */
  readonly maxDataBytes?: number;
  /** Events in one batch (default 1000). */
  readonly maxBatch?: number;
}

export const DEFAULT_MAX_DATA_BYTES = 256 * 1024;
export const DEFAULT_MAX_BATCH = 1000;
const MAX_ID_LENGTH = 256;
const MAX_TYPE_LENGTH = 200;
const MAX_ATTRIBUTE_LENGTH = 1024;
const TYPE_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.\-:/]*$/;

/** An event whose envelope is valid, in the shape the store keeps. */
export interface IncomingEvent {
  readonly id: string;
  readonly type: string;
  readonly source: string | null;
  readonly subject: string | null;
  /** ISO-8601 UTC; null when the producer gave none (the store uses the time it received it). */
  readonly time: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The events of a request, or every problem found in them. */
export type ParsedEvents =
  | { readonly ok: true; readonly events: readonly IncomingEvent[] }
  | { readonly ok: false; readonly problems: readonly EventProblem[] };

/** Reads one event or a batch (an array) from a parsed JSON body. */
export function parseEvents(body: unknown, limits: IngestLimits = {}): ParsedEvents {
  const maxBatch = limits.maxBatch ?? DEFAULT_MAX_BATCH;
  const items = Array.isArray(body) ? body : [body];
  if (Array.isArray(body) && body.length === 0) {
    return { ok: false, problems: [{ index: 0, path: '', message: 'a batch holds at least one event' }] };
  }
  if (items.length > maxBatch) {
    return {
      ok: false,
      problems: [
        { index: 0, path: '', message: `a batch holds at most ${maxBatch} events, got ${items.length}` },
      ],
    };
  }
  const events: IncomingEvent[] = [];
  const problems: EventProblem[] = [];
  items.forEach((item: unknown, index) => {
    const found: EventProblem[] = [];
    const event = parseOne(item, index, limits.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES, found);
    if (event && found.length === 0) events.push(event);
    problems.push(...found);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, events };
}

function parseOne(
  item: unknown,
  index: number,
  maxDataBytes: number,
  problems: EventProblem[],
): IncomingEvent | undefined {
  const problem = (path: string, message: string): undefined => {
    problems.push({ index, path, message });
    return undefined;
  };
  if (!isPlainObject(item)) return problem('', 'an event is a JSON object');
  const fields = item as Readonly<Record<string, unknown>>;
  const cloudEvent = Object.hasOwn(fields, 'specversion');
  if (cloudEvent && fields.specversion !== '1.0') {
    problem('specversion', `only CloudEvents 1.0 is supported, got ${JSON.stringify(fields.specversion)}`);
  }
  const id = text(fields.id, MAX_ID_LENGTH, 'id', problem);
  const type = text(fields.type, MAX_TYPE_LENGTH, 'type', problem);
  if (type !== undefined && !TYPE_PATTERN.test(type)) {
    problem('type', 'an event type is made of letters, digits and . _ - : /');
  }
  const source = optionalText(fields.source, 'source', problem);
  const subject = optionalText(fields.subject, 'subject', problem);
  let time: string | null = null;
  if (fields.time !== undefined && fields.time !== null) {
    const ms = typeof fields.time === 'string' ? parseTime(fields.time) : undefined;
    if (ms === undefined) problem('time', 'expected an ISO-8601 time such as 2026-03-01T12:00:00Z');
    else time = new Date(ms).toISOString();
  }
  if (cloudEvent) {
    if (Object.hasOwn(fields, 'data_base64'))
      problem('data_base64', 'binary data is not supported: send JSON `data`');
    const contentType = fields.datacontenttype;
    if (contentType !== undefined && !(typeof contentType === 'string' && isJsonContentType(contentType))) {
      problem('datacontenttype', 'event data must be JSON (application/json)');
    }
  }
  const data = fields.data === undefined && cloudEvent ? {} : fields.data;
  if (!isPlainObject(data)) {
    problem('data', 'event data is a JSON object');
  } else {
    const json = JSON.stringify(data);
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > maxDataBytes)
      problem('data', `event data is ${bytes} bytes, more than the limit of ${maxDataBytes}`);
    // PostgreSQL's jsonb cannot hold a NUL character; refuse it here rather than fail the insert.
    if (json.includes('\\u0000')) problem('data', 'event data cannot contain the NUL character (\\u0000)');
  }
  if (id === undefined || type === undefined || !isPlainObject(data)) return undefined;
  return { id, type, source: source ?? null, subject: subject ?? null, time, data };
}

function text(
  value: unknown,
  max: number,
  path: string,
  problem: (path: string, message: string) => undefined,
): string | undefined {
  if (typeof value !== 'string' || value.length === 0)
    return problem(path, `${path} is required (non-empty text)`);
  if (value.length > max) return problem(path, `${path} is longer than ${max} characters`);
  if (value.includes('\u0000')) return problem(path, `${path} cannot contain the NUL character`);
  return value;
}

function optionalText(
  value: unknown,
  path: string,
  problem: (path: string, message: string) => undefined,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  return text(value, MAX_ATTRIBUTE_LENGTH, path, problem);
}

function isJsonContentType(value: string): boolean {
  const mime = value.split(';')[0].trim().toLowerCase();
  return mime === 'application/json' || mime === 'text/json' || mime.endsWith('+json');
}
