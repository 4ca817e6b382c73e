/**
 * The request body of `POST /v1/events` in the spec: its three media types (opsflow JSON,
 * CloudEvents structured and batched), and, in the spec the API serves, one schema per event
 * type the deployed rules declare, with its data's fields, so a generated client (or a fuzzer)
 * knows which types and data the server takes. The checked-in `docs/openapi.json` has no rule
 * set: there `type` is any event type and `data` any object.
 */
import type { FieldTypeIR, TypeIR } from '../../dsl';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** An event type and its fields, as the rule index knows them. */
export interface DeclaredEvent {
  readonly type: string;
  readonly fields: readonly FieldTypeIR[];
}

/** The largest whole number JSON and the evaluator agree on. */
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Text without the NUL character, which PostgreSQL cannot store. */
const NO_NUL = '^[^\\u0000]*$';
const TYPE_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.\\-:/]*$';
const DURATION = '^(?=[0-9])([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$';
const TRACEPARENT = '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$';

/** The JSON Schema of a value of a declared type, as `conformValue` checks it. */
export function typeSchema(type: TypeIR): SchemaObject {
  switch (type.kind) {
    case 'string':
      return { type: 'string', pattern: NO_NUL };
    case 'number':
      return { type: 'number', minimum: -Number.MAX_VALUE, maximum: Number.MAX_VALUE };
    case 'int':
      return { type: 'integer', minimum: -MAX_SAFE, maximum: MAX_SAFE };
    case 'bool':
      return { type: 'boolean' };
    case 'time':
      return { type: 'string', format: 'date-time', example: '2026-03-01T12:00:00Z' };
    case 'duration':
      return {
        oneOf: [
          { type: 'number', minimum: 0, maximum: MAX_SAFE, description: 'milliseconds' },
          { type: 'string', pattern: DURATION, example: '1h30m' },
        ],
      };
    case 'any':
    case 'null':
      return {};
    case 'list':
      return { type: 'array', items: typeSchema(type.element) };
    case 'object':
      return fieldsSchema(type.fields);
    case 'optional':
      return { ...typeSchema(type.type), nullable: true };
  }
}

/** An object with these fields; fields not declared are kept (and not checked). */
export function fieldsSchema(fields: readonly FieldTypeIR[]): SchemaObject {
  const required = fields
    .filter((f) => f.type.kind !== 'optional' && f.type.kind !== 'any')
    .map((f) => f.name);
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f.name, typeSchema(f.type)])),
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: true,
  };
}

const text = (description: string, maxLength: number, extra: SchemaObject = {}): SchemaObject => ({
  type: 'string',
  minLength: 1,
  maxLength,
  pattern: NO_NUL,
  description,
  ...extra,
});

/** An optional attribute: in the JSON format, null stands for absent. */
const optional = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });

/** The attributes both forms share; `type` and `data` per declared type when given. */
function commonProperties(declared: DeclaredEvent | undefined): Record<string, SchemaObject> {
  return {
    id: text('Unique per event: posting it again answers `duplicate: true`.', 256),
    type: declared
      ? { type: 'string', enum: [declared.type], description: 'An event type the deployed rules declare.' }
      : text('An event type the deployed rules declare (else 422 `unknown-event-type`).', 200, {
          pattern: TYPE_PATTERN,
          example: 'order.placed',
        }),
    source: text('Where the event comes from (CloudEvents `source`).', 1024),
    subject: optional(text('What the event is about (CloudEvents `subject`).', 1024)),
    time: optional({
      type: 'string',
      format: 'date-time',
      description: 'When it happened; default: when it was received.',
    }),
    datacontenttype: optional({
      type: 'string',
      enum: ['application/json'],
      description: 'The data’s media type: JSON (a `+json` type also does).',
    }),
    dataschema: optional(text('CloudEvents `dataschema`, kept with the event.', 1024)),
    data: declared
      ? { ...fieldsSchema(declared.fields), description: `The fields of ${declared.type}.` }
      : { type: 'object', additionalProperties: true, description: 'Must match the event type’s schema.' },
    traceparent: optional({
      type: 'string',
      pattern: TRACEPARENT,
      description: 'W3C Trace Context: the runs the event starts share its trace.',
      example: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    }),
    tracestate: optional(text('W3C Trace Context vendor state.', 1024)),
  };
}

/** A CloudEvent in its JSON format (structured mode, and in batches). */
export function cloudEventSchema(declared?: DeclaredEvent): SchemaObject {
  return {
    type: 'object',
    description:
      'A CloudEvent 1.0 (JSON format). Other extension attributes (lower-case letters and digits, text, whole-number or boolean values) are kept with the event; `data_base64` (JSON bytes) may stand for `data`.',
    // Without `data` a CloudEvent's data is `{}`: a type with required fields needs it.
    required: ['specversion', 'id', 'type', 'source', ...(hasRequired(declared) ? ['data'] : [])],
    properties: {
      specversion: { type: 'string', enum: ['1.0'] },
      ...commonProperties(declared),
    },
    additionalProperties: false,
  };
}

function hasRequired(declared: DeclaredEvent | undefined): boolean {
  return (fieldsSchema(declared?.fields ?? []).required ?? []).length > 0;
}

/** opsflow's short form `{id, type, time?, data}`. */
export function shortEventSchema(declared?: DeclaredEvent): SchemaObject {
  return {
    type: 'object',
    description: 'opsflow’s short form: no `specversion`; `source` and `subject` are optional.',
    required: ['id', 'type', 'data'],
    properties: commonProperties(declared),
    additionalProperties: false,
  };
}

/** The content of the request body: the three media types, for the declared types (or any). */
export function eventsRequestContent(
  declared: readonly DeclaredEvent[] | undefined,
): Record<string, { schema: SchemaObject | ReferenceObject }> {
  const kinds = declared && declared.length > 0 ? declared : [undefined];
  const cloud: SchemaObject =
    kinds.length === 1 ? cloudEventSchema(kinds[0]) : { anyOf: kinds.map((d) => cloudEventSchema(d)) };
  const either: SchemaObject = {
    anyOf: kinds.flatMap((d) => [cloudEventSchema(d), shortEventSchema(d)]),
  };
  return {
    'application/json': {
      schema: { anyOf: [either, { type: 'array', maxItems: 1000, items: either }] },
    },
    'application/cloudevents+json': { schema: cloud },
    'application/cloudevents-batch+json': { schema: { type: 'array', maxItems: 1000, items: cloud } },
  };
}
