/**
 * The CloudEvents HTTP protocol binding (v1.0.2) on `POST /v1/events`: which content mode a
 * request uses, and the event(s) it carries as the JSON values the event store reads.
 *
 * - structured: `content-type: application/cloudevents+json`, the body is one CloudEvent;
 * - batched: `application/cloudevents-batch+json`, the body is an array of CloudEvents;
 * - binary: any other content type with a `ce-specversion` header: the attributes are `ce-*`
 *   headers and the body is the event's data, its content type the `content-type` header;
 * - otherwise opsflow's JSON: one event or an array, CloudEvents or the short form.
 *
 * The content type decides first, as the binding says: a structured request's `ce-*` headers are
 * ignored. Data must be JSON (Fastify answers 415 for other content types before this runs).
 */
import { EventValidationError } from '../../engine/errors';

/** How a request carried its events. */
export type ContentMode = 'structured' | 'batch' | 'binary' | 'json';

/** Media types of the structured and batched modes. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';
export const CLOUDEVENTS_BATCH_JSON = 'application/cloudevents-batch+json';

/** The request's events, ready for `EventStore.ingest`, and whether the answer is a batch. */
export interface HttpEvents {
  readonly mode: ContentMode;
  readonly body: unknown;
  readonly batch: boolean;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** Reads the events of `POST /v1/events` from its headers and parsed body. */
export function readHttpEvents(headers: Headers, body: unknown): HttpEvents {
  const contentType = header(headers, 'content-type');
  const media = contentType?.split(';')[0].trim().toLowerCase();
  if (media === CLOUDEVENTS_JSON) {
    if (Array.isArray(body))
      refuse('', `${CLOUDEVENTS_JSON} carries one event; send a batch as ${CLOUDEVENTS_BATCH_JSON}`);
    requireSpecversion(body, 0);
    return { mode: 'structured', body, batch: false };
  }
  if (media === CLOUDEVENTS_BATCH_JSON) {
    if (!Array.isArray(body)) refuse('', `${CLOUDEVENTS_BATCH_JSON} is a JSON array of CloudEvents`);
    (body as unknown[]).forEach((event, i) => requireSpecversion(event, i));
    return { mode: 'batch', body, batch: true };
  }
  if (header(headers, 'ce-specversion') !== undefined) {
    return { mode: 'binary', body: binaryEvent(headers, body, contentType), batch: false };
  }
  return { mode: 'json', body, batch: Array.isArray(body) };
}

/** A binary-mode request as the structured CloudEvent it stands for. */
function binaryEvent(
  headers: Headers,
  body: unknown,
  contentType: string | undefined,
): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('ce-') || value === undefined) continue;
    // Node joins repeated headers with ", "; an attribute has one value.
    event[name.slice(3)] = percentDecode(Array.isArray(value) ? value.join(',') : value);
  }
  if (contentType !== undefined) event.datacontenttype = contentType;
  // No body: the event has no data (the store reads that as `{}`).
  if (body !== undefined && body !== null && body !== '') event.data = body;
  return event;
}

/** Header values are percent-encoded where they hold characters outside printable ASCII. */
function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function requireSpecversion(event: unknown, index: number): void {
  const record = typeof event === 'object' && event !== null && !Array.isArray(event) ? event : undefined;
  if (!record || !Object.hasOwn(record, 'specversion')) {
    throw new EventValidationError([
      { index, path: 'specversion', message: 'a CloudEvent needs specversion ("1.0")' },
    ]);
  }
}

function refuse(path: string, message: string): never {
  throw new EventValidationError([{ index: 0, path, message }]);
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
