/**
 * The `request:` part of a connector action: method, path, query, headers and body, every string a
 * template whose `${param}` references are checked against the action's parameters.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, Scalar } from 'yaml';
import type { Span } from '../core/span';
import type { ConnectorType, Template } from './syntax';
import type { ConnectorReader, Entry, TemplateScope } from './reader';
import { describe } from './reader';

/** The HTTP methods a connector action may use. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** A header or query parameter whose value is a template. */
export interface NamedTemplate {
  readonly name: string;
  readonly template: Template;
}

/** A JSON request body in which every string is a template. */
export type BodyTemplate =
  | { readonly kind: 'template'; readonly template: Template }
  | { readonly kind: 'literal'; readonly value: null | boolean | number }
  | { readonly kind: 'list'; readonly items: readonly BodyTemplate[] }
  | {
      readonly kind: 'object';
      readonly fields: readonly { readonly name: string; readonly value: BodyTemplate }[];
    };

/** How an action's HTTP request is built. The path is relative to the connector's base URL. */
export interface RequestTemplate {
  readonly method: HttpMethod;
  readonly path: Template;
  readonly query: readonly NamedTemplate[];
  readonly headers: readonly NamedTemplate[];
  /** A mapping or list is sent as JSON; a string template as text (or as JSON when it is one whole `${param}`). */
  readonly body?: BodyTemplate;
}

/** Headers opsflow sets itself (or that would change where or how the request goes). */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'idempotency-key',
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function readRequest(
  r: ConnectorReader,
  entry: Entry,
  params: ReadonlyMap<string, ConnectorType>,
  at: Span,
): RequestTemplate | undefined {
  const span = r.at(entry.value, r.at(entry.key, at));
  const m = r.mapping(
    entry.value,
    '`request`',
    span,
    ['method', 'path', 'query', 'headers', 'body'],
    ['method', 'path'],
  );
  if (!m) return undefined;
  const methodEntry = m.get('method');
  const methodText = methodEntry && r.string(methodEntry.value, '`method`', span);
  const method = METHODS.find((x) => x === methodText?.toUpperCase());
  if (methodText !== undefined && !method) {
    r.error(
      r.at(methodEntry?.value, span),
      `\`${methodText}\` is not a supported method (${METHODS.join(', ')})`,
    );
  }
  const text: TemplateScope = { params, scalarOnly: true, allowList: false };
  const pathEntry = m.get('path');
  const path = pathEntry && r.template(pathEntry.value, '`path`', span, text);
  if (path) {
    const first = path.parts[0];
    if (first.kind !== 'text' || !first.text.startsWith('/'))
      r.error(r.at(pathEntry?.value, span), 'the path must start with `/`');
    else if (path.parts.some((p) => p.kind === 'text' && /[?#]/.test(p.text))) {
      r.error(
        r.at(pathEntry?.value, span),
        'the path must not contain `?` or `#`: put query parameters under `query`',
      );
    }
  }
  const query = readNamed(
    r,
    m.get('query'),
    'query',
    span,
    { params, scalarOnly: true, allowList: true },
    false,
  );
  const headers = readNamed(r, m.get('headers'), 'headers', span, text, true);
  const bodyEntry = m.get('body');
  let body: BodyTemplate | undefined;
  if (bodyEntry) {
    if (method === 'GET' || method === 'HEAD')
      r.error(r.at(bodyEntry.key, span), `a ${method} request cannot have a body`);
    body = readBody(r, bodyEntry.value, r.at(bodyEntry.key, span), params, 0);
  }
  if (!method || !path) return undefined;
  return { method, path, query, headers, ...(body ? { body } : {}) };
}

export function readNamed(
  r: ConnectorReader,
  entry: Entry | undefined,
  what: 'headers' | 'query',
  at: Span,
  scope: TemplateScope,
  isHeader: boolean,
): NamedTemplate[] {
  if (!entry) return [];
  const entries = r.entries(entry.value, `\`${what}\``, r.at(entry.key, at));
  const out: NamedTemplate[] = [];
  for (const [name, e] of entries ?? []) {
    const keySpan = r.at(e.key, at);
    if (isHeader && !HEADER_NAME.test(name)) {
      r.error(keySpan, `\`${name}\` is not a valid header name`);
      continue;
    }
    if (isHeader && RESERVED_HEADERS.has(name.toLowerCase())) {
      r.error(keySpan, `the \`${name}\` header is set by opsflow and cannot be configured`);
      continue;
    }
    const value =
      isScalar(e.value) && typeof e.value.value !== 'string' && e.value.value !== null
        ? asText(e.value)
        : e.value;
    const template = r.template(
      value,
      `${isHeader ? 'header' : 'query parameter'} \`${name}\``,
      keySpan,
      scope,
    );
    if (template) out.push({ name, template });
  }
  return out;
}

/** `X-Version: 2` is meant as the text `2`: numbers and booleans in headers and queries are text. */
function asText(node: Scalar): Scalar {
  const copy = node.clone() as Scalar;
  copy.value = String(node.value);
  return copy;
}

function readBody(
  r: ConnectorReader,
  node: Node | null,
  at: Span,
  params: ReadonlyMap<string, ConnectorType>,
  depth: number,
): BodyTemplate | undefined {
  if (depth > 32) {
    r.error(r.at(node, at), 'the body is nested too deeply');
    return undefined;
  }
  const span = r.at(node, at);
  if (isMap(node)) {
    const fields: { name: string; value: BodyTemplate }[] = [];
    for (const [name, e] of r.entries(node, 'the body', span) ?? []) {
      const value = readBody(r, e.value, r.at(e.key, span), params, depth + 1);
      if (value) fields.push({ name, value });
    }
    return { kind: 'object', fields };
  }
  if (isSeq(node)) {
    const items: BodyTemplate[] = [];
    for (const item of node.items) {
      const value = readBody(r, item as Node | null, span, params, depth + 1);
      if (value) items.push(value);
    }
    return { kind: 'list', items };
  }
  if (node === null || (isScalar(node) && node.value === null)) return { kind: 'literal', value: null };
  if (isScalar(node) && (typeof node.value === 'boolean' || typeof node.value === 'number')) {
    return Number.isFinite(node.value) || typeof node.value === 'boolean'
      ? { kind: 'literal', value: node.value }
      : (r.error(span, 'numbers in a body must be finite'), undefined);
  }
  if (isScalar(node) && typeof node.value === 'string') {
    const template = r.template(node, 'a body value', span, { params, scalarOnly: false, allowList: true });
    return template && { kind: 'template', template };
  }
  r.error(
    span,
    `a body value must be a mapping, a list, text, a number, a boolean or null, not ${describe(node)}`,
  );
  return undefined;
}
