/**
 * Types in the YAML form: `fields:`, `manual:`, `params:` and `result:` hold `name: TYPE` mappings
 * where a TYPE is either text in the DSL's type syntax (`string?`, `list<string>`,
 * `"{ id: string }?"`) or a nested mapping, which is a (non-optional) inline object type.
 *
 * Type text is tiny (names, `list<...>`, `{ name: type ... }`, a trailing `?`), so it is read here
 * with a small recursive-descent reader rather than the expression parser.
 */
import { isMap, isScalar } from 'yaml';
import type { Node, Scalar } from 'yaml';
import type { FieldDecl, PrimitiveTypeName, TypeExpr } from '../ast/ast';
import { Codes } from '../core/diagnostics';
import type { DiagnosticCode } from '../core/diagnostics';
import type { Span } from '../core/span';
import { didYouMean } from '../core/suggest';
import { describe, entries, MAX_DEPTH } from './context';
import type { Locate } from '../text/parse-expression';
import type { YamlContext } from './context';

const QUOTED_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', t: '\t', $: '$' };

const PRIMITIVES: readonly PrimitiveTypeName[] = [
  'string',
  'number',
  'int',
  'bool',
  'time',
  'duration',
  'any',
];

/** `name: TYPE` pairs of a mapping (an empty value means no fields). `undefined` after a report. */
export function fieldDecls(
  ctx: YamlContext,
  node: Node | undefined,
  what: string,
  fallback: Span,
  depth = 0,
): FieldDecl[] | undefined {
  if (isScalar(node) && node.value === null) return [];
  if (!isMap(node)) {
    ctx.shape(`${what} must be a mapping of name: type, found ${describe(node)}`, node, fallback);
    return undefined;
  }
  if (!ctx.depthOk(depth, node, fallback)) return undefined;
  const fields: FieldDecl[] = [];
  let ok = true;
  for (const entry of entries(ctx, node, fallback)) {
    // Any text is a valid field name, as with a quoted name in the DSL.
    const nameSpan = ctx.span(entry.keyNode, fallback);
    const type = typeOf(ctx, entry.value, `the type of '${entry.key}'`, nameSpan, depth + 1);
    if (type === undefined) {
      ok = false;
      continue;
    }
    fields.push({ name: entry.key, nameSpan, type, span: ctx.pairSpan(entry.pair) });
  }
  return ok ? fields : undefined;
}

/** A type written as text or as a mapping (an inline object type). */
export function typeOf(
  ctx: YamlContext,
  node: Node | undefined,
  what: string,
  fallback: Span,
  depth = 0,
): TypeExpr | undefined {
  if (isMap(node)) {
    const fields = fieldDecls(ctx, node, what, fallback, depth);
    return fields === undefined
      ? undefined
      : { kind: 'object', fields, optional: false, span: ctx.span(node) };
  }
  if (isScalar(node) && typeof node.value === 'string') return parseTypeText(ctx, node, depth);
  ctx.shape(
    `${what} must be a type such as string, int?, list<string>, found ${describe(node)}`,
    node,
    fallback,
  );
  return undefined;
}

/** Reads the type syntax of the DSL from a string scalar, with diagnostics inside the string. */
function parseTypeText(ctx: YamlContext, node: Scalar, depth: number): TypeExpr | undefined {
  const text = String(node.value);
  const locate = ctx.locate(node);
  const reader = new TypeReader(ctx, text, locate, depth);
  const type = reader.type();
  if (type === undefined) return undefined;
  reader.skipSpace();
  if (reader.pos < text.length) {
    reader.fail(`unexpected '${text[reader.pos]}' after the type`, reader.pos, reader.pos + 1);
    return undefined;
  }
  return type;
}

class TypeReader {
  pos = 0;
  private nesting: number;

  constructor(
    private readonly ctx: YamlContext,
    private readonly text: string,
    private readonly locate: Locate,
    depth: number,
  ) {
    this.nesting = depth;
  }

  span(start: number, end: number): Span {
    const a = this.locate(start);
    const b = this.locate(end);
    return { file: this.ctx.file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }

  fail(message: string, start: number, end: number, code: DiagnosticCode = Codes.unexpectedToken): undefined {
    const eof = start >= this.text.length;
    this.ctx.report(eof ? Codes.unexpectedEnd : code, message, this.span(start, Math.max(start, end)));
    return undefined;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private word(): string {
    const m = /[A-Za-z_][A-Za-z0-9_]*/y;
    m.lastIndex = this.pos;
    const found = m.exec(this.text);
    return found ? found[0] : '';
  }

  private expect(ch: string, what: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] === ch) {
      this.pos++;
      return true;
    }
    const found = this.pos < this.text.length ? `'${this.text[this.pos]}'` : 'the end of the type';
    this.fail(`expected '${ch}' ${what}, found ${found}`, this.pos, this.pos + 1);
    return false;
  }

  type(): TypeExpr | undefined {
    if (++this.nesting > MAX_DEPTH) {
      return this.fail(
        `types nest deeper than ${MAX_DEPTH} levels`,
        this.pos,
        this.pos + 1,
        Codes.nestingTooDeep,
      );
    }
    try {
      return this.typeInner();
    } finally {
      this.nesting--;
    }
  }

  private typeInner(): TypeExpr | undefined {
    this.skipSpace();
    const start = this.pos;
    let base: TypeExpr | undefined;
    if (this.text[this.pos] === '{') {
      this.pos++;
      const fields = this.fields();
      if (fields === undefined) return undefined;
      base = { kind: 'object', fields, optional: false, span: this.span(start, this.pos) };
    } else {
      const name = this.word();
      if (name === '') {
        const found = this.pos < this.text.length ? `'${this.text[this.pos]}'` : 'nothing';
        return this.fail(`expected a type, found ${found}`, this.pos, this.pos + 1);
      }
      this.pos += name.length;
      if (name === 'list') {
        if (!this.expect('<', "after 'list'")) return undefined;
        const element = this.type();
        if (element === undefined || !this.expect('>', 'to close the list type')) return undefined;
        base = { kind: 'list', element, optional: false, span: this.span(start, this.pos) };
      } else if ((PRIMITIVES as readonly string[]).includes(name)) {
        base = {
          kind: 'primitive',
          name: name as PrimitiveTypeName,
          optional: false,
          span: this.span(start, this.pos),
        };
      } else {
        const hint = didYouMean(name, [...PRIMITIVES, 'list']);
        return this.fail(`unknown type '${name}'${hint}`, start, this.pos, Codes.unknownType);
      }
    }
    this.skipSpace();
    if (this.text[this.pos] === '?') {
      this.pos++;
      return { ...base, optional: true, span: this.span(start, this.pos) };
    }
    return base;
  }

  /** A field name in double quotes, with the DSL's escapes; leaves `pos` after the closing quote. */
  private quotedName(): string | undefined {
    const start = this.pos;
    let name = '';
    let i = start + 1;
    while (i < this.text.length && this.text[i] !== '"') {
      if (this.text[i] === '\\') {
        const escaped = QUOTED_ESCAPES[this.text[i + 1] ?? ''];
        if (escaped === undefined)
          return this.fail('unknown escape in a field name', i, i + 2, Codes.invalidEscape);
        name += escaped;
        i += 2;
      } else {
        name += this.text[i];
        i++;
      }
    }
    if (i >= this.text.length)
      return this.fail('the field name has no closing quote', start, i, Codes.unterminatedString);
    this.pos = i + 1;
    return name;
  }

  /** Fields of `{ ... }` after the opening brace, through the closing one. */
  private fields(): FieldDecl[] | undefined {
    const fields: FieldDecl[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return fields;
      }
      const start = this.pos;
      const name = this.text[this.pos] === '"' ? this.quotedName() : this.word();
      if (name === undefined) return undefined;
      if (name === '' && this.text[start] !== '"') {
        const found = this.pos < this.text.length ? `'${this.text[this.pos]}'` : 'the end of the type';
        return this.fail(`expected a field name or '}', found ${found}`, this.pos, this.pos + 1);
      }
      if (this.pos === start) this.pos += name.length;
      const nameSpan = this.span(start, this.pos);
      if (!this.expect(':', `after the field name '${name}'`)) return undefined;
      const type = this.type();
      if (type === undefined) return undefined;
      fields.push({ name, nameSpan, type, span: this.span(start, this.pos) });
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
    }
  }
}

/** A type in the DSL's type syntax, as the YAML printer writes it inside a string. */
export function printTypeText(type: TypeExpr): string {
  const q = type.optional ? '?' : '';
  switch (type.kind) {
    case 'primitive':
      return type.name + q;
    case 'list':
      return `list<${printTypeText(type.element)}>${q}`;
    case 'object':
      if (type.fields.length === 0) return `{}${q}`;
      return `{ ${type.fields.map((f) => `${fieldName(f.name)}: ${printTypeText(f.type)}`).join(', ')} }${q}`;
  }
}

/** A field name as the type syntax writes it: a word as is, anything else quoted. */
function fieldName(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  return `"${name.replace(/[\\"$\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\${c}`))}"`;
}
