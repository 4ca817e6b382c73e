/**
 * The types of the IR (`ir.ts`): field and value types, event schemas, action signatures. Split
 * from `ir.ts` so each file stays small; `ir.ts` re-exports all of it.
 */
/** A field of an object type (an event schema, an action result, a `manual(...)` input). */
export interface FieldTypeIR {
  readonly name: string;
  readonly type: TypeIR;
}

/**
 * A semantic type. `int` is a `number` that is known to be whole; `optional` means "may be null or
 * missing"; `any` is checked at run time only. Object fields are a list (not a record) so that a
 * field named `__proto__` is just data.
 */
export type TypeIR =
  | { readonly kind: 'string' | 'number' | 'int' | 'bool' | 'time' | 'duration' | 'any' | 'null' }
  | { readonly kind: 'list'; readonly element: TypeIR }
  | { readonly kind: 'object'; readonly fields: readonly FieldTypeIR[] }
  | { readonly kind: 'optional'; readonly type: TypeIR };

/** An event type declared with `event NAME { ... }`. */
export interface EventSchemaIR {
  readonly name: string;
  readonly fields: readonly FieldTypeIR[];
}

/** Where an action comes from: built into opsflow, described by a connector, or declared with `action`. */
export type ActionOrigin = 'builtin' | 'connector' | 'declared';

/** The typed signature of an action, as the checker uses it and as a run carries it. */
export interface ActionSignatureIR {
  readonly name: string;
  readonly params: readonly FieldTypeIR[];
  readonly result: TypeIR;
  readonly origin: ActionOrigin;
}
