/**
 * What the checker knows about a whole rule set: the declared event types, the callable actions
 * (built-in, from connectors, declared with `action`) and the diagnostics found so far. Built once
 * from all files, because a rule in one file may use an event declared in another.
 */
import type { FieldDecl, SourceFile, TypeExpr } from '../ast/ast';
import { BUILTIN_ACTIONS } from './builtins';
import type { Diagnostic, DiagnosticCode } from '../core/diagnostics';
import { Codes, error, warning } from '../core/diagnostics';
import type { ActionSignatureIR, EventSchemaIR, FieldTypeIR, TypeIR } from '../runtime/ir';
import { RUN_FAILED_EVENT } from '../runtime/ir';
import type { Span } from '../core/span';
import type { Type } from './semantic-types';
import { T, listOf, objectOf, optional, primitive, sameType } from './semantic-types';
import { FORBIDDEN_MEMBERS } from '../runtime/value';

/**
 * An action signature handed to the checker by the caller: connectors (`connectorSignatures(...)`
 * fits as is) and plugins. A parameter is optional when its type is `T?` or `optional` is true;
 * `origin` defaults to `connector`.
 */
export interface ActionSignature {
  readonly name: string;
  readonly params: readonly { readonly name: string; readonly type: TypeIR; readonly optional?: boolean }[];
  readonly result: TypeIR;
  readonly origin?: ActionSignatureIR['origin'];
}

/** The signature in the IR's form: optionality folded into the parameter types. */
function normalizeSignature(a: ActionSignature): ActionSignatureIR {
  return {
    name: a.name,
    params: a.params.map((p) => ({ name: p.name, type: p.optional ? optional(p.type) : p.type })),
    result: a.result,
    origin: a.origin ?? 'connector',
  };
}

export interface EventInfo {
  readonly schema: EventSchemaIR;
  /** The object type of an event of this type (the type of `event` in a rule `on` it). */
  readonly type: Type;
  readonly span: Span;
  /** Built into opsflow (`opsflow.run_failed`): needs no declaration, cannot be redeclared. */
  readonly builtin?: true;
}

export class CheckEnv {
  readonly diagnostics: Diagnostic[] = [];
  readonly events = new Map<string, EventInfo>();
  readonly actions = new Map<string, ActionSignatureIR>();
  /** Names for object types in messages (`event inventory.updated has no field ...`). */
  readonly labels = new WeakMap<Type, string>();

  error(code: DiagnosticCode, message: string, span: Span): void {
    this.diagnostics.push(error(code, message, span));
  }

  warn(code: DiagnosticCode, message: string, span: Span): void {
    this.diagnostics.push(warning(code, message, span));
  }
}

export function where(span: Span): string {
  return `${span.file}:${span.line}:${span.column}`;
}

/** Field declarations as semantic fields, reporting duplicate and reserved names. */
export function fieldsFromAst(fields: readonly FieldDecl[], env: CheckEnv, what: string): FieldTypeIR[] {
  const out: FieldTypeIR[] = [];
  const seen = new Map<string, Span>();
  for (const f of fields) {
    const first = seen.get(f.name);
    if (first) {
      env.error(
        Codes.duplicateField,
        `${what} already has a field '${f.name}' (at ${where(first)})`,
        f.nameSpan,
      );
      continue;
    }
    seen.set(f.name, f.nameSpan);
    if (FORBIDDEN_MEMBERS.has(f.name)) {
      env.error(Codes.reservedName, `'${f.name}' cannot be used as a field name`, f.nameSpan);
    }
    out.push({ name: f.name, type: typeFromAst(f.type, env) });
  }
  return out;
}

/** A type as written in the source, as a semantic type. */
export function typeFromAst(t: TypeExpr, env: CheckEnv): Type {
  let type: Type;
  switch (t.kind) {
    case 'primitive':
      type = primitive(t.name);
      break;
    case 'list':
      type = listOf(typeFromAst(t.element, env));
      break;
    case 'object':
      type = objectOf(fieldsFromAst(t.fields, env, 'this object type'));
      break;
    default:
      type = T.any;
  }
  return t.optional ? optional(type) : type;
}

/** v2: the built-in event types (LANGUAGE.md §13), located at the start of no file. */
function registerBuiltinEvents(env: CheckEnv): void {
  const type = objectOf(RUN_FAILED_EVENT.fields);
  env.labels.set(type, `event ${RUN_FAILED_EVENT.name}`);
  const span: Span = { file: '<built-in>', line: 1, column: 1, endLine: 1, endColumn: 1 };
  env.events.set(RUN_FAILED_EVENT.name, { schema: RUN_FAILED_EVENT, type, span, builtin: true });
}

function sameSignature(a: ActionSignatureIR, b: ActionSignatureIR): boolean {
  return (
    sameType(objectOf(a.params), objectOf(b.params)) &&
    a.params.every((p, i) => b.params[i]?.name === p.name) &&
    sameType(a.result, b.result)
  );
}

/**
 * Registers the built-in actions, the caller's actions and every `event`/`action` declaration of
 * the rule set, reporting duplicates at the later declaration.
 */
export function collectDeclarations(
  files: readonly SourceFile[],
  connectorActions: readonly ActionSignature[],
  env: CheckEnv,
): void {
  for (const a of BUILTIN_ACTIONS) env.actions.set(a.name, a);
  for (const a of connectorActions) {
    if (!env.actions.has(a.name)) env.actions.set(a.name, normalizeSignature(a));
  }
  const declaredAt = new Map<string, Span>();
  registerBuiltinEvents(env);
  for (const file of files) {
    for (const decl of file.decls) {
      if (decl.kind === 'event') {
        const first = env.events.get(decl.name);
        if (first?.builtin) {
          env.error(
            Codes.duplicateEvent,
            `'${decl.name}' is a built-in event type: rules use it without declaring it`,
            decl.nameSpan,
          );
          continue;
        }
        if (first) {
          env.error(
            Codes.duplicateEvent,
            `event type '${decl.name}' is already declared at ${where(first.span)}`,
            decl.nameSpan,
          );
          continue;
        }
        const fields = fieldsFromAst(decl.fields, env, `event ${decl.name}`);
        const type = objectOf(fields);
        env.labels.set(type, `event ${decl.name}`);
        env.events.set(decl.name, { schema: { name: decl.name, fields }, type, span: decl.nameSpan });
      } else if (decl.kind === 'action') {
        const params = fieldsFromAst(decl.params, env, `action ${decl.name}`);
        const result = decl.result ? typeFromAst(decl.result, env) : objectOf([]);
        const signature: ActionSignatureIR = { name: decl.name, params, result, origin: 'declared' };
        const previous = env.actions.get(decl.name);
        const first = declaredAt.get(decl.name);
        if (first) {
          env.error(
            Codes.duplicateAction,
            `action '${decl.name}' is already declared at ${where(first)}`,
            decl.nameSpan,
          );
        } else if (previous?.origin === 'builtin') {
          env.error(
            Codes.duplicateAction,
            `'${decl.name}' is a built-in action and cannot be redeclared`,
            decl.nameSpan,
          );
        } else if (previous && !sameSignature(previous, signature)) {
          env.error(
            Codes.duplicateAction,
            `action '${decl.name}' is also defined by a connector, with a different signature`,
            decl.nameSpan,
          );
        } else {
          declaredAt.set(decl.name, decl.nameSpan);
          // A declaration that repeats a connector's signature documents it; the connector runs it.
          if (!previous) env.actions.set(decl.name, signature);
        }
      }
    }
  }
  for (const a of env.actions.values()) {
    if (a.result.kind === 'object') env.labels.set(a.result, `the result of ${a.name}`);
  }
}
