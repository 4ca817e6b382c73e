/**
 * Reading helpers for connector files: spans from YAML nodes, mappings with known keys, scalars,
 * type nodes and templates with their parameter references checked. Every problem becomes a
 * `connector-invalid` diagnostic at the YAML line and column; nothing here throws for bad input.
 */
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { LineCounter, Node, Pair, Scalar, YAMLMap } from 'yaml';
import type { Diagnostic } from '../core/diagnostics';
import { Codes, error } from '../core/diagnostics';
import type { Span } from '../core/span';
import type { ConnectorField, ConnectorType, SyntaxProblem, Template } from './syntax';
import {
  MAX_TYPE_DEPTH,
  NAME_PATTERN,
  connectorTypeToString,
  optionalOf,
  parseTemplate,
  parseTypeString,
} from './syntax';

/** A value of a mapping entry, with its key node for locating "unknown key" problems. */
export interface Entry {
  readonly key: Scalar;
  readonly value: Node | null;
}

/** Where a template is used decides what it may refer to. */
export interface TemplateScope {
  /** The action's parameters; `undefined` for connector-wide values, which may use only secrets. */
  readonly params: ReadonlyMap<string, ConnectorType> | undefined;
  /** In text (a path, a header, text around `${}`), objects and lists make no sense. */
  readonly scalarOnly: boolean;
  /** A whole-value list is fine in a query parameter (repeated) and in a JSON body. */
  readonly allowList: boolean;
}

export class ConnectorReader {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly file: string,
    readonly text: string,
    private readonly lines: LineCounter,
  ) {}

  /** A span from source offsets. */
  span(start: number, end: number): Span {
    const a = this.lines.linePos(Math.max(0, Math.min(start, this.text.length)));
    const b = this.lines.linePos(Math.max(0, Math.min(Math.max(start, end), this.text.length)));
    return { file: this.file, line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  }

  /** The span of a node's value, or `fallback` for a missing node. */
  at(node: Node | null | undefined, fallback: Span): Span {
    const range = node?.range;
    return range ? this.span(range[0], range[1]) : fallback;
  }

  error(span: Span, message: string): void {
    this.diagnostics.push(error(Codes.connectorInvalid, message, span));
  }

  /**
   * The entries of a mapping, reporting keys that are not in `allowed` and `required` keys that
   * are missing. Returns `undefined` (and reports) when `node` is not a mapping.
   */
  mapping(
    node: Node | null | undefined,
    what: string,
    fallback: Span,
    allowed: readonly string[],
    required: readonly string[] = [],
  ): Map<string, Entry> | undefined {
    const entries = this.entries(node, what, fallback);
    if (!entries) return undefined;
    for (const [name, entry] of entries) {
      if (!allowed.includes(name)) {
        this.error(
          this.at(entry.key, fallback),
          `unknown key \`${name}\` in ${what} (expected ${allowed.join(', ')})`,
        );
        entries.delete(name);
      }
    }
    for (const name of required) {
      if (!entries.has(name)) this.error(this.keySpan(node, fallback), `${what} is missing \`${name}\``);
    }
    return entries;
  }

  /** The entries of a mapping with arbitrary (user-chosen) string keys. */
  entries(node: Node | null | undefined, what: string, fallback: Span): Map<string, Entry> | undefined {
    if (!isMap(node)) {
      this.error(this.at(node, fallback), `${what} must be a mapping, not ${describe(node)}`);
      return undefined;
    }
    const out = new Map<string, Entry>();
    for (const pair of (node as YAMLMap).items as Pair[]) {
      const key = pair.key;
      if (!isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) {
        this.error(this.at(key as Node, this.at(node, fallback)), `keys in ${what} must be plain names`);
        continue;
      }
      const value = isAlias(pair.value) ? null : ((pair.value as Node | null) ?? null);
      if (isAlias(pair.value))
        this.error(this.at(pair.value, fallback), 'YAML aliases are not supported in connectors');
      out.set(String(key.value), { key, value });
    }
    return out;
  }

  /** Where to report a missing key: the mapping's first line, so the message lands near its owner. */
  private keySpan(node: Node | null | undefined, fallback: Span): Span {
    const range = node?.range;
    return range ? this.span(range[0], range[0]) : fallback;
  }

  /** A string scalar; numbers and booleans are refused so `method: 1` is not read as text. */
  string(node: Node | null | undefined, what: string, fallback: Span): string | undefined {
    if (isScalar(node) && typeof node.value === 'string') return node.value;
    this.error(this.at(node, fallback), `${what} must be a string, not ${describe(node)}`);
    return undefined;
  }

  /** A plain name (`create_order`, `PURCHASING_URL`). */
  name(node: Node | null | undefined, what: string, fallback: Span): string | undefined {
    const value = this.string(node, what, fallback);
    if (value === undefined) return undefined;
    if (!NAME_PATTERN.test(value)) {
      this.error(
        this.at(node, fallback),
        `${what} \`${value}\` must be a name: letters, digits and _, not starting with a digit`,
      );
      return undefined;
    }
    return value;
  }

  /** A span for `problem`, which is at an offset into the decoded value of `node`. */
  inside(node: Scalar, value: string, problem: SyntaxProblem, fallback: Span): Span {
    const range = node.range;
    if (!range) return fallback;
    const fragment = value.slice(problem.offset, problem.offset + problem.length);
    const source = this.text.slice(range[0], range[1]);
    const found = fragment ? source.indexOf(fragment) : -1;
    // The fragment appears verbatim unless YAML escapes or folding changed it; then point at the scalar.
    return found >= 0
      ? this.span(range[0] + found, range[0] + found + fragment.length)
      : this.at(node, fallback);
  }

  /** A type: a type string, or a mapping of fields (a key ending in `?` is an optional field). */
  type(node: Node | null | undefined, what: string, fallback: Span, depth = 0): ConnectorType | undefined {
    if (depth > MAX_TYPE_DEPTH) {
      this.error(this.at(node, fallback), `${what} is nested too deeply`);
      return undefined;
    }
    if (isScalar(node) && typeof node.value === 'string') {
      const parsed = parseTypeString(node.value);
      if ('problem' in parsed) {
        this.error(
          this.inside(node, node.value, parsed.problem, fallback),
          `${what}: ${parsed.problem.message}`,
        );
        return undefined;
      }
      return parsed.type;
    }
    if (isMap(node)) {
      const entries = this.entries(node, what, fallback) ?? new Map<string, Entry>();
      const fields: ConnectorField[] = [];
      let ok = true;
      for (const [rawName, entry] of entries) {
        const optional = rawName.endsWith('?');
        const name = optional ? rawName.slice(0, -1) : rawName;
        if (!NAME_PATTERN.test(name)) {
          this.error(
            this.at(entry.key, fallback),
            `field name \`${rawName}\` must be a name (letters, digits, _)`,
          );
          ok = false;
          continue;
        }
        if (fields.some((f) => f.name === name)) {
          this.error(this.at(entry.key, fallback), `field \`${name}\` is declared twice`);
          ok = false;
          continue;
        }
        const type = this.type(entry.value, `field \`${name}\``, this.at(entry.key, fallback), depth + 1);
        if (!type) ok = false;
        else fields.push({ name, type: optional ? optionalOf(type) : type });
      }
      return ok ? { kind: 'object', fields } : undefined;
    }
    this.error(
      this.at(node, fallback),
      `${what} must be a type (a string such as \`int?\`, or a mapping of fields), not ${describe(node)}`,
    );
    return undefined;
  }

  /**
   * A template from a string scalar, with every `${param}` checked against the scope's parameters.
   * Returns `undefined` (after reporting) when the template is not valid there.
   */
  template(
    node: Node | null | undefined,
    what: string,
    fallback: Span,
    scope: TemplateScope,
  ): Template | undefined {
    const text = this.string(node, what, fallback);
    if (text === undefined) return undefined;
    const scalar = node as Scalar;
    const parsed = parseTemplate(text);
    if ('problem' in parsed) {
      this.error(this.inside(scalar, text, parsed.problem, fallback), parsed.problem.message);
      return undefined;
    }
    let ok = true;
    let offset = 0;
    for (const part of parsed.template.parts) {
      if (part.kind !== 'param') continue;
      const ref = `\${${[part.name, ...part.path].join('.')}}`;
      const at = text.indexOf(ref, offset);
      offset = at >= 0 ? at + ref.length : offset;
      const problem = this.checkRef(part.name, part.path, scope, parsed.template.whole);
      if (problem) {
        const span = this.inside(
          scalar,
          text,
          { message: problem, offset: Math.max(at, 0), length: at >= 0 ? ref.length : 0 },
          fallback,
        );
        this.error(span, problem);
        ok = false;
      }
    }
    return ok ? parsed.template : undefined;
  }

  private checkRef(
    name: string,
    path: readonly string[],
    scope: TemplateScope,
    whole: boolean,
  ): string | undefined {
    const params = scope.params;
    if (!params) return `\${${name}}: connector-wide values may use only secrets, not parameters`;
    const declared = params.get(name);
    if (!declared) {
      const hint =
        name === 'params' && path.length > 0 ? ` (parameters are named directly: \${${path[0]}})` : '';
      return `\`${name}\` is not a declared parameter of this action${hint}`;
    }
    let type: ConnectorType = declared;
    let walked = name;
    for (const field of path) {
      const t: ConnectorType = type.kind === 'optional' ? type.type : type;
      if (t.kind === 'any') return undefined;
      if (t.kind !== 'object')
        return `\`${walked}\` is ${connectorTypeToString(t)}: it has no field \`${field}\``;
      const found: ConnectorField | undefined = t.fields.find((f) => f.name === field);
      if (!found)
        return `\`${walked}\` has no field \`${field}\` (fields: ${t.fields.map((f) => f.name).join(', ') || 'none'})`;
      type = found.type;
      walked += `.${field}`;
    }
    const t: ConnectorType = type.kind === 'optional' ? type.type : type;
    const structured = t.kind === 'object' || (t.kind === 'list' && !(whole && scope.allowList));
    if ((scope.scalarOnly || !whole) && structured) {
      return `\`${walked}\` is ${connectorTypeToString(t)}: only text, numbers and booleans can be written into text`;
    }
    return undefined;
  }
}

/** A word for what a YAML node is, for messages. */
export function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isAlias(node)) return 'an alias';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'null';
    if (typeof v === 'string') return `\`${v.length > 40 ? `${v.slice(0, 40)}…` : v}\``;
    return `\`${String(v)}\``;
  }
  return 'an unsupported value';
}
