/**
 * The two small languages inside a connector file: type strings (`int?`, `list<string>`,
 * `{ id: string, total: number? }`) and request templates (`/orders/${id}`, `Bearer ${secret("T")}`).
 *
 * Both are deliberately tiny. A template may only name a parameter (`${sku}`), a field of one
 * (`${address.city}`), or a secret (`${secret("NAME")}`): no operators, no calls, nothing to
 * evaluate, so a connector can never compute anything the checker did not see. Parsed templates are
 * plain JSON so they travel inside a `ConnectorDecl` to the activity worker, which only substitutes.
 */

/** A type as a connector declares it; the same shape as the checker's `TypeIR`, minus `null`. */
export type ConnectorType =
  | { readonly kind: 'string' | 'number' | 'int' | 'bool' | 'time' | 'duration' | 'any' }
  | { readonly kind: 'list'; readonly element: ConnectorType }
  | { readonly kind: 'object'; readonly fields: readonly ConnectorField[] }
  | { readonly kind: 'optional'; readonly type: ConnectorType };

/** A field of an object type; an optional field has an `optional` type. */
export interface ConnectorField {
  readonly name: string;
  readonly type: ConnectorType;
}

/** One piece of a template: literal text, a parameter (or a field path into one), or a secret. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'param'; readonly name: string; readonly path: readonly string[] }
  | { readonly kind: 'secret'; readonly name: string };

/** A parsed template. `whole` is true when the text is exactly one `${name...}`: it keeps the value's JSON type. */
export interface Template {
  readonly parts: readonly TemplatePart[];
  readonly whole: boolean;
}

/** A problem in a type string or template, at `offset` (in characters) into the text. */
export interface SyntaxProblem {
  readonly message: string;
  readonly offset: number;
  readonly length: number;
}

export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PRIMITIVES = new Set(['string', 'number', 'int', 'bool', 'time', 'duration', 'any']);
/** Bounds nesting so a hostile file cannot exhaust the stack. */
export const MAX_TYPE_DEPTH = 32;

// ---------------------------------------------------------------- templates

const REF = /^([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/;
const SECRET = /^secret\s*\(\s*(?:"([^"]*)"|'([^']*)')\s*\)$/;

/**
 * Parses a template. `$${` is a literal `${`. Returns the template, or the first problem found.
 */
export function parseTemplate(text: string): { template: Template } | { problem: SyntaxProblem } {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literal += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      literal += text[i];
      i += 1;
      continue;
    }
    const close = text.indexOf('}', i + 2);
    if (close < 0)
      return { problem: { message: 'unterminated `${` in template', offset: i, length: text.length - i } };
    const inner = text.slice(i + 2, close).trim();
    const part = parseReference(inner);
    if ('problem' in part) return { problem: { message: part.problem, offset: i, length: close + 1 - i } };
    if (literal) parts.push({ kind: 'text', text: literal });
    literal = '';
    parts.push(part.part);
    i = close + 1;
  }
  if (literal || parts.length === 0) parts.push({ kind: 'text', text: literal });
  const whole = parts.length === 1 && parts[0].kind === 'param';
  return { template: { parts, whole } };
}

function parseReference(inner: string): { part: TemplatePart } | { problem: string } {
  const secret = SECRET.exec(inner);
  if (secret) {
    const name = secret[1] ?? secret[2] ?? '';
    if (!NAME_PATTERN.test(name))
      return { problem: `\`${name}\` is not a valid secret name (letters, digits, _)` };
    return { part: { kind: 'secret', name } };
  }
  const ref = REF.exec(inner);
  if (ref) {
    const path = ref[2] ? ref[2].slice(1).split('.') : [];
    return { part: { kind: 'param', name: ref[1], path } };
  }
  return {
    problem: `\`\${${inner}}\` is not allowed here: connector templates take only \${param}, \${param.field} and \${secret("NAME")}`,
  };
}

/** The secrets a template names. */
export function templateSecrets(template: Template): string[] {
  return template.parts.flatMap((p) => (p.kind === 'secret' ? [p.name] : []));
}

// ---------------------------------------------------------------- type strings

interface Cursor {
  readonly text: string;
  pos: number;
}

type TypeResult = { type: ConnectorType } | { problem: SyntaxProblem };

/** Parses a type string such as `list<{ id: string, qty: int }>?`. */
export function parseTypeString(text: string): TypeResult {
  const cur: Cursor = { text, pos: 0 };
  const result = parseType(cur, 0);
  if ('problem' in result) return result;
  skipSpace(cur);
  if (cur.pos < text.length) return fail(cur, `unexpected \`${text.slice(cur.pos)}\` after the type`);
  return result;
}

function parseType(cur: Cursor, depth: number): TypeResult {
  if (depth > MAX_TYPE_DEPTH) return fail(cur, 'this type is nested too deeply');
  skipSpace(cur);
  let base: TypeResult;
  if (cur.text[cur.pos] === '{') base = parseObject(cur, depth);
  else {
    const start = cur.pos;
    const word = readName(cur);
    if (!word) return fail(cur, 'expected a type');
    if (word === 'list') {
      skipSpace(cur);
      if (cur.text[cur.pos] !== '<') return fail(cur, 'expected `<` after `list`');
      cur.pos += 1;
      const element = parseType(cur, depth + 1);
      if ('problem' in element) return element;
      skipSpace(cur);
      if (cur.text[cur.pos] !== '>') return fail(cur, 'expected `>` to close `list<`');
      cur.pos += 1;
      base = { type: { kind: 'list', element: element.type } };
    } else if (PRIMITIVES.has(word)) {
      base = { type: { kind: word as 'string' } };
    } else {
      return {
        problem: {
          message: `unknown type \`${word}\` (types: string number int bool time duration any, list<T>, { field: T }, T?)`,
          offset: start,
          length: word.length,
        },
      };
    }
  }
  if ('problem' in base) return base;
  skipSpace(cur);
  if (cur.text[cur.pos] === '?') {
    cur.pos += 1;
    return { type: optionalOf(base.type) };
  }
  return base;
}

function parseObject(cur: Cursor, depth: number): TypeResult {
  cur.pos += 1;
  const fields: ConnectorField[] = [];
  for (;;) {
    skipSpace(cur);
    if (cur.text[cur.pos] === '}') {
      cur.pos += 1;
      return { type: { kind: 'object', fields } };
    }
    const name = readName(cur);
    if (!name) return fail(cur, 'expected a field name or `}`');
    let optionalName = false;
    if (cur.text[cur.pos] === '?') {
      optionalName = true;
      cur.pos += 1;
    }
    skipSpace(cur);
    if (cur.text[cur.pos] !== ':') return fail(cur, `expected \`:\` after field \`${name}\``);
    cur.pos += 1;
    const field = parseType(cur, depth + 1);
    if ('problem' in field) return field;
    if (fields.some((f) => f.name === name)) return fail(cur, `field \`${name}\` is declared twice`);
    fields.push({ name, type: optionalName ? optionalOf(field.type) : field.type });
    skipSpace(cur);
    if (cur.text[cur.pos] === ',') cur.pos += 1;
  }
}

/** `T?`, normalised so that `T??` is `T?`. */
export function optionalOf(type: ConnectorType): ConnectorType {
  return type.kind === 'optional' ? type : { kind: 'optional', type };
}

function readName(cur: Cursor): string {
  const m = /[A-Za-z_][A-Za-z0-9_]*/y;
  m.lastIndex = cur.pos;
  const found = m.exec(cur.text);
  if (!found) return '';
  cur.pos += found[0].length;
  return found[0];
}

function skipSpace(cur: Cursor): void {
  while (cur.pos < cur.text.length && /\s/.test(cur.text[cur.pos])) cur.pos += 1;
}

function fail(cur: Cursor, message: string): { problem: SyntaxProblem } {
  return { problem: { message, offset: Math.min(cur.pos, cur.text.length), length: 1 } };
}

/** The type as written in a connector: `int`, `list<string>?`, `{ id: string }`. */
export function connectorTypeToString(type: ConnectorType): string {
  switch (type.kind) {
    case 'list':
      return `list<${connectorTypeToString(type.element)}>`;
    case 'optional':
      return `${connectorTypeToString(type.type)}?`;
    case 'object':
      if (type.fields.length === 0) return '{}';
      return `{ ${type.fields.map((f) => `${f.name}: ${connectorTypeToString(f.type)}`).join(', ')} }`;
    default:
      return type.kind;
  }
}
