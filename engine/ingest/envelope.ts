/**
 * Reading events from outside: CloudEvents 1.0 in structured mode (one JSON object, or a batch as
 * a JSON array; binary mode is turned into the same object by `cloudevents-http.ts`) and
 * opsflow's short form `{ id, type, data, time? }`. Pure: it checks the envelope and the size of
 * the data, and leaves schema checks to the store, which knows the rules.
 *
 * Decisions: an object with `specversion` is a CloudEvent (and `specversion` must be "1.0"),
 * anything else is the short form; `source` and `subject` are optional in both (kept when given);
 * data must be a JSON object (rules read named fields), given as `data` or as `data_base64` of
 * JSON bytes; a non-JSON `datacontenttype` is refused. A CloudEvent's other attributes are
 * extension attributes: kept with the event when their names are valid (lower-case letters and
 * digits) and their values are text, numbers or booleans. The short form takes `traceparent` and
 * `tracestate` too, and ignores other keys, as it always did.
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
/** CloudEvents attribute names: lower-case ASCII letters and digits (the spec advises up to 20). */
const ATTRIBUTE_NAME = /^[a-z0-9]{1,64}$/;
/** 0001-01-01T00:00:00Z (Date.UTC maps years 0-99 to 1900-1999, setUTCFullYear does not). */
const MIN_TIME_MS = new Date(0).setUTCFullYear(1, 0, 1);
const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** Extension attributes on one event at most. */
const MAX_EXTENSIONS = 50;
/** The attributes CloudEvents 1.0 defines, and `data_base64` of its JSON format. */
const CONTEXT_ATTRIBUTES = new Set([
  'specversion',
  'id',
  'type',
  'source',
  'subject',
  'time',
  'datacontenttype',
  'dataschema',
  'data',
  'data_base64',
]);
/** The W3C Trace Context extension (the CloudEvents distributed tracing extension). */
const TRACE_ATTRIBUTES = ['traceparent', 'tracestate'] as const;

/** An event whose envelope is valid, in the shape the store keeps. */
export interface IncomingEvent {
  readonly id: string;
  readonly type: string;
  readonly source: string | null;
  readonly subject: string | null;
  /** ISO-8601 UTC; null when the producer gave none (the store uses the time it received it). */
  readonly time: string | null;
  readonly data: Readonly<Record<string, unknown>>;
  /** The content type the data was given in (CloudEvents `datacontenttype`), when stated. */
  readonly datacontenttype: string | null;
  /** CloudEvents `dataschema`, when given. */
  readonly dataschema: string | null;
  /** Extension attributes (`traceparent`, custom ones), kept with the event. */
  readonly extensions: Readonly<Record<string, ExtensionValue>>;
}

/** The value of a CloudEvents extension attribute in JSON. */
export type ExtensionValue = string | number | boolean;

/** The events of a request, or every problem found in them. */
export type ParsedEvents =
  | { readonly ok: true; readonly events: readonly IncomingEvent[] }
  | { readonly ok: false; readonly problems: readonly EventProblem[] };

/** Reads one event or a batch (an array) from a parsed JSON body. */
export function parseEvents(body: unknown, limits: IngestLimits = {}): ParsedEvents {
  const maxBatch = limits.maxBatch ?? DEFAULT_MAX_BATCH;
  const items = Array.isArray(body) ? body : [body];
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
    // PostgreSQL's timestamps start at year 1 (an offset can push 0001-01-01 before it).
    else if (ms < MIN_TIME_MS || ms > MAX_TIME_MS)
      problem('time', 'the time must fall between 0001-01-01 and 9999-12-31 (UTC)');
    else time = new Date(ms).toISOString();
  }
  const contentType = optionalText(fields.datacontenttype, 'datacontenttype', problem);
  if (contentType !== undefined && !isJsonContentType(contentType)) {
    problem('datacontenttype', `event data must be JSON (application/json), not ${contentType}`);
  }
  const dataschema = optionalText(fields.dataschema, 'dataschema', problem);
  const data = readData(fields, cloudEvent, problem);
  if (isPlainObject(data)) {
    const json = JSON.stringify(data);
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > maxDataBytes)
      problem('data', `event data is ${bytes} bytes, more than the limit of ${maxDataBytes}`);
    // PostgreSQL's jsonb cannot hold a NUL character; refuse it here rather than fail the insert.
    if (json.includes('\\u0000')) problem('data', 'event data cannot contain the NUL character (\\u0000)');
  }
  const extensions = readExtensions(fields, cloudEvent, problem);
  if (id === undefined || type === undefined || !isPlainObject(data)) return undefined;
  return {
    id,
    type,
    source: source ?? null,
    subject: subject ?? null,
    time,
    data,
    datacontenttype: contentType ?? null,
    dataschema: dataschema ?? null,
    extensions,
  };
}

/** `data`, or the JSON that `data_base64` carries; an absent CloudEvent `data` is `{}`. */
function readData(
  fields: Readonly<Record<string, unknown>>,
  cloudEvent: boolean,
  problem: (path: string, message: string) => undefined,
): unknown {
  const hasBase64 = cloudEvent && Object.hasOwn(fields, 'data_base64') && fields.data_base64 !== null;
  if (hasBase64 && Object.hasOwn(fields, 'data') && fields.data !== null) {
    return problem('data_base64', 'give either data or data_base64, not both');
  }
  let data: unknown = fields.data === undefined && cloudEvent ? {} : fields.data;
  if (hasBase64) {
    const text = fields.data_base64;
    if (typeof text !== 'string' || !BASE64.test(text.replace(/\s+/g, ''))) {
      return problem('data_base64', 'expected base64 text (RFC 4648)');
    }
    try {
      data = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as unknown;
    } catch {
      return problem('data_base64', 'the decoded data is not JSON (rules read JSON objects)');
    }
  }
  if (!isPlainObject(data)) return problem(hasBase64 ? 'data_base64' : 'data', 'event data is a JSON object');
  return data;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A CloudEvent's extension attributes (the short form: its trace context only). */
function readExtensions(
  fields: Readonly<Record<string, unknown>>,
  cloudEvent: boolean,
  problem: (path: string, message: string) => undefined,
): Record<string, ExtensionValue> {
  const names = cloudEvent
    ? Object.keys(fields).filter((name) => !CONTEXT_ATTRIBUTES.has(name))
    : TRACE_ATTRIBUTES.filter((name) => Object.hasOwn(fields, name));
  const out: Record<string, ExtensionValue> = {};
  if (names.length > MAX_EXTENSIONS) {
    problem('', `an event has at most ${MAX_EXTENSIONS} extension attributes, got ${names.length}`);
    return out;
  }
  for (const name of names) {
    const value = fields[name];
    // In the JSON format a null attribute is an absent one.
    if (value === null || value === undefined) continue;
    if (!ATTRIBUTE_NAME.test(name)) {
      problem(name, 'a CloudEvents attribute name is lower-case letters and digits (a-z, 0-9)');
    } else if (typeof value === 'string') {
      const checked = text(value, MAX_ATTRIBUTE_LENGTH, name, problem);
      if (checked !== undefined) out[name] = checked;
    } else if ((typeof value === 'number' && Number.isInteger(value)) || typeof value === 'boolean') {
      out[name] = value;
    } else {
      problem(name, 'an extension attribute is text, a whole number or a boolean');
    }
  }
  return out;
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
