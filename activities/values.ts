/**
 * Run-time checks of values against connector types, and the substitution of connector templates.
 *
 * Arguments arrive from the workflow already type-checked by the checker, but an activity is a
 * boundary: a mismatched rule version or an `any` value can still bring something unexpected, and
 * it is better to refuse it here with a clear message than to send a malformed request. Results are
 * checked the same way, because the rule's later steps rely on the declared result type.
 */
import type { ConnectorType, Template } from '../dsl';
import { InvalidInputError } from './errors';
import type { SecretScope } from './secrets';
import { isSecretMarker } from './secrets';

/** The type as a connector writes it (activities import only types from dsl/, so this is local). */
export function typeText(type: ConnectorType): string {
  switch (type.kind) {
    case 'list':
      return `list<${typeText(type.element)}>`;
    case 'optional':
      return `${typeText(type.type)}?`;
    case 'object':
      return `{ ${type.fields.map((f) => `${f.name}: ${typeText(f.type)}`).join(', ')} }`;
    default:
      return type.kind;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Why `value` is not of `type`, or `undefined` when it is. `secretsAllowed` lets a secret marker
 * stand for a string (arguments may carry secrets; results may not).
 */
export function typeProblem(
  value: unknown,
  type: ConnectorType,
  where: string,
  secretsAllowed: boolean,
): string | undefined {
  const wanted = (): string => `${where} must be ${typeText(type)}`;
  if (type.kind === 'optional')
    return value === null || value === undefined
      ? undefined
      : typeProblem(value, type.type, where, secretsAllowed);
  if (type.kind === 'any') return undefined;
  if (value === null || value === undefined) return `${where} is missing`;
  switch (type.kind) {
    case 'string':
      return typeof value === 'string' || (secretsAllowed && isSecretMarker(value)) ? undefined : wanted();
    case 'number':
    case 'duration':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : wanted();
    case 'int':
      return Number.isSafeInteger(value) ? undefined : wanted();
    case 'bool':
      return typeof value === 'boolean' ? undefined : wanted();
    case 'time':
      return typeof value === 'string' && Number.isFinite(Date.parse(value))
        ? undefined
        : `${where} must be a time (ISO-8601 text)`;
    case 'list': {
      if (!Array.isArray(value)) return wanted();
      for (let i = 0; i < value.length; i++) {
        const p = typeProblem(value[i] as unknown, type.element, `${where}[${i}]`, secretsAllowed);
        if (p) return p;
      }
      return undefined;
    }
    case 'object': {
      if (!isRecord(value) || isSecretMarker(value)) return wanted();
      for (const f of type.fields) {
        const p = typeProblem(
          Object.hasOwn(value, f.name) ? value[f.name] : undefined,
          f.type,
          `${where}.${f.name}`,
          secretsAllowed,
        );
        if (p) return p;
      }
      return undefined;
    }
  }
}

/** Follows a field path through plain objects (own fields only); `undefined` when any step is missing. */
export function fieldPath(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const name of path) {
    if (!isRecord(v) || !Object.hasOwn(v, name)) return undefined;
    v = v[name];
  }
  return v;
}

/** The arguments as the template language sees them. */
export type Args = Readonly<Record<string, unknown>>;

/** An own field of the arguments: never something inherited such as `constructor`. */
export function own(args: Args, name: string): unknown {
  return Object.hasOwn(args, name) ? args[name] : undefined;
}

/** How a value is written into text: scalars as themselves, nothing as empty, secrets resolved. */
async function asText(value: unknown, where: string, scope: SecretScope): Promise<string> {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isSecretMarker(value)) return scope.text(value);
  throw new InvalidInputError(`${where}: a list or object cannot be written into text`);
}

/**
 * Renders a template to text. `encode` is applied to each substituted value (not the literal text):
 * `encodeURIComponent` for a path segment, identity elsewhere.
 */
export async function renderText(
  template: Template,
  args: Args,
  scope: SecretScope,
  where: string,
  encode: (s: string) => string = (s) => s,
): Promise<string> {
  let out = '';
  for (const part of template.parts) {
    if (part.kind === 'text') out += part.text;
    else if (part.kind === 'secret') out += encode(await scope.resolve(part.name));
    else out += encode(await asText(fieldPath(own(args, part.name), part.path), where, scope));
  }
  return out;
}

/**
 * The value of a whole-value template (`"${quantity}"`) with its JSON type, secrets resolved;
 * `undefined` when the parameter was left out.
 */
export async function renderWhole(template: Template, args: Args, scope: SecretScope): Promise<unknown> {
  const part = template.parts[0];
  if (part.kind !== 'param') return undefined;
  const value = fieldPath(own(args, part.name), part.path);
  return value === undefined ? undefined : scope.resolveDeep(value);
}
