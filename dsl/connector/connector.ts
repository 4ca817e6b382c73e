/**
 * Connector files (`*.connector.yaml`): a family of actions carried out over HTTP. The format is
 * documented for operators in docs/connectors.md.
 *
 * `parseConnector` turns a file into a `ConnectorDecl`, plain JSON that the activity worker uses to
 * build requests, and `connectorSignatures` gives the checker each action's typed signature. Bad
 * input yields `connector-invalid` diagnostics at the YAML line and column; nothing throws.
 */
import { LineCounter, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import type { Diagnostic } from '../core/diagnostics';
import { Codes, error, sortDiagnostics } from '../core/diagnostics';
import type { Span } from '../core/span';
import { fileSpan } from '../core/span';
import type { ConnectorType, Template } from './syntax';
import { NAME_PATTERN, templateSecrets } from './syntax';
import type { Entry, TemplateScope } from './reader';
import { ConnectorReader } from './reader';
import type { BodyTemplate, NamedTemplate, RequestTemplate } from './request';
import { readNamed, readRequest } from './request';

export type { ConnectorField, ConnectorType, Template, TemplatePart } from './syntax';
export { connectorTypeToString } from './syntax';
export type { BodyTemplate, HttpMethod, NamedTemplate, RequestTemplate } from './request';

/** A parameter of a connector action. `type` is without its `?`; `optional` says whether it may be left out or null. */
export interface ConnectorParam {
  readonly name: string;
  readonly type: ConnectorType;
  readonly optional: boolean;
}

/** One action of a connector. */
export interface ConnectorAction {
  /** Qualified: `purchasing.create_order`. */
  readonly name: string;
  readonly description?: string;
  readonly params: readonly ConnectorParam[];
  readonly result: ConnectorType;
  readonly request: RequestTemplate;
  /** Where the result is read from: `['body']`, `['body', 'order']`, `['status']`, `['response']`... */
  readonly resultFrom: readonly string[];
  /** Statuses worth retrying; absent means the default: 408, 429 and every 5xx. */
  readonly retryableStatuses?: readonly number[];
  readonly span: Span;
}

/** Where the base URL comes from: a configuration entry (environment variable), a literal default, or both. */
export interface BaseUrlSource {
  readonly config?: string;
  readonly default?: string;
}

/** A parsed connector file. Plain JSON: it can be stored, hashed and sent to the activity worker. */
export interface ConnectorDecl {
  readonly connector: string;
  readonly description?: string;
  readonly baseUrl: BaseUrlSource;
  /** Headers sent with every action's request (usually authentication); they may use only secrets. */
  readonly headers: readonly NamedTemplate[];
  readonly actions: readonly ConnectorAction[];
  /** Names of every secret the connector refers to, sorted. */
  readonly secrets: readonly string[];
  readonly span: Span;
}

/** An action's signature for the checker: `{ name: 'purchasing.create_order', params, result }`. */
export interface ConnectorActionSignature {
  readonly name: string;
  readonly params: readonly ConnectorParam[];
  readonly result: ConnectorType;
}

/** The outcome of parsing: the connector when there is no error, and all diagnostics either way. */
export interface ConnectorParseResult {
  readonly connector?: ConnectorDecl;
  readonly diagnostics: readonly Diagnostic[];
}

/** Actions of these families are built in; a connector may not take their names. */
export const RESERVED_CONNECTOR_NAMES: readonly string[] = ['http', 'notify', 'emit', 'log'];
const RESULT_ROOTS = new Set(['body', 'status', 'headers', 'response']);
/** Files larger than this are refused before parsing: a connector is a page of YAML. */
export const MAX_CONNECTOR_FILE_CHARS = 1_000_000;

/** Parses the text of a `*.connector.yaml` file; `file` is the name diagnostics use. */
export function parseConnector(text: string, file: string): ConnectorParseResult {
  if (text.length > MAX_CONNECTOR_FILE_CHARS) {
    return { diagnostics: [error(Codes.fileTooLarge, 'this connector file is too large', fileSpan(file))] };
  }
  try {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const reader = new ConnectorReader(file, text, lines);
    for (const e of doc.errors)
      reader.error(reader.span(e.pos[0], e.pos[1]), `YAML: ${firstLine(e.message)}`);
    if (reader.diagnostics.length > 0) return { diagnostics: sortDiagnostics(reader.diagnostics) };
    const connector = readConnector(reader, doc.contents as Node | null, fileSpan(file));
    return reader.diagnostics.length > 0 || !connector
      ? { diagnostics: sortDiagnostics(reader.diagnostics) }
      : { connector, diagnostics: [] };
  } catch (err) {
    // A boundary: input so pathological that a library gave up (e.g. the stack ran out) is still
    // just a bad file to the user.
    const reason = err instanceof Error ? err.message : String(err);
    return {
      diagnostics: [
        error(Codes.connectorInvalid, `this file cannot be read: ${firstLine(reason)}`, fileSpan(file)),
      ],
    };
  }
}

/** Each action's signature, for the checker. */
export function connectorSignatures(decl: ConnectorDecl): ConnectorActionSignature[] {
  return decl.actions.map((a) => ({ name: a.name, params: a.params, result: a.result }));
}

function readConnector(r: ConnectorReader, root: Node | null, whole: Span): ConnectorDecl | undefined {
  const keys = ['connector', 'description', 'base_url', 'headers', 'retryable_statuses', 'actions'];
  const top = r.mapping(root, 'a connector', whole, keys, ['connector', 'base_url', 'actions']);
  if (!top) return undefined;
  const span = r.at(root, whole);
  const nameEntry = top.get('connector');
  const name = nameEntry && r.name(nameEntry.value, 'the connector name', r.at(nameEntry.key, span));
  if (name && RESERVED_CONNECTOR_NAMES.includes(name)) {
    r.error(
      r.at(nameEntry?.value, span),
      `\`${name}\` is a built-in action family; choose another connector name`,
    );
  }
  const description = optionalString(r, top.get('description'), 'description', span);
  const baseUrl = readBaseUrl(r, top.get('base_url'), span);
  const connectorScope: TemplateScope = { params: undefined, scalarOnly: true, allowList: false };
  const headers = readNamed(r, top.get('headers'), 'headers', span, connectorScope, true);
  const statuses = readStatuses(r, top.get('retryable_statuses'), span);
  const actionsEntry = top.get('actions');
  const actionEntries = actionsEntry
    ? r.entries(actionsEntry.value, '`actions`', r.at(actionsEntry.key, span))
    : undefined;
  const actions: ConnectorAction[] = [];
  if (actionEntries && actionEntries.size === 0)
    r.error(r.at(actionsEntry?.value, span), 'a connector needs at least one action');
  for (const [actionName, entry] of actionEntries ?? []) {
    if (!NAME_PATTERN.test(actionName)) {
      r.error(r.at(entry.key, span), `action name \`${actionName}\` must be a name (letters, digits, _)`);
      continue;
    }
    const action = readAction(r, `${name ?? '?'}.${actionName}`, entry, statuses);
    if (action) actions.push(action);
  }
  if (!name || !baseUrl) return undefined;
  const secrets = new Set<string>();
  for (const h of headers) templateSecrets(h.template).forEach((s) => secrets.add(s));
  for (const a of actions) collectActionSecrets(a, secrets);
  return {
    connector: name,
    ...(description !== undefined ? { description } : {}),
    baseUrl,
    headers,
    actions,
    secrets: [...secrets].sort(),
    span,
  };
}

function readBaseUrl(r: ConnectorReader, entry: Entry | undefined, at: Span): BaseUrlSource | undefined {
  if (!entry) return undefined;
  const span = r.at(entry.value, r.at(entry.key, at));
  if (isScalar(entry.value)) {
    const url = r.string(entry.value, '`base_url`', span);
    return url !== undefined && checkUrl(r, url, span) ? { default: url } : undefined;
  }
  const m = r.mapping(entry.value, '`base_url`', span, ['config', 'default']);
  if (!m) return undefined;
  const configEntry = m.get('config');
  const defaultEntry = m.get('default');
  if (!configEntry && !defaultEntry) {
    r.error(span, '`base_url` needs `config` (a configuration name) or `default` (a URL), or both');
    return undefined;
  }
  const config = configEntry && r.name(configEntry.value, '`config`', span);
  const url = defaultEntry && r.string(defaultEntry.value, '`default`', span);
  if (configEntry && !config) return undefined;
  if (defaultEntry && (url === undefined || !checkUrl(r, url, r.at(defaultEntry.value, span))))
    return undefined;
  return { ...(config ? { config } : {}), ...(url !== undefined ? { default: url } : {}) };
}

/** A base URL must be absolute http(s), without query or fragment (actions add their own). */
function checkUrl(r: ConnectorReader, url: string, span: Span): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    r.error(span, `\`${url}\` is not a URL`);
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    r.error(span, `the base URL must use http or https, not ${parsed.protocol.replace(':', '')}`);
    return false;
  }
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    r.error(span, 'the base URL must not have a query, a fragment or credentials (use headers and secrets)');
    return false;
  }
  return true;
}

function readAction(
  r: ConnectorReader,
  name: string,
  entry: Entry,
  connectorStatuses: readonly number[] | undefined,
): ConnectorAction | undefined {
  const keySpan = r.at(entry.key, r.at(entry.value, fileSpan(r.file)));
  const keys = ['description', 'params', 'result', 'request', 'result_from', 'retryable_statuses'];
  const m = r.mapping(entry.value, `action \`${name}\``, keySpan, keys, ['request']);
  if (!m) return undefined;
  const span = r.at(entry.value, keySpan);
  const before = r.diagnostics.length;
  const description = optionalString(r, m.get('description'), 'description', span);
  const params = readParams(r, m.get('params'), span);
  const resultEntry = m.get('result');
  const result: ConnectorType | undefined = resultEntry
    ? r.type(resultEntry.value, 'the result type', r.at(resultEntry.key, span))
    : { kind: 'any' };
  const paramTypes = new Map(params.map((p) => [p.name, p.type] as const));
  const requestEntry = m.get('request');
  const request = requestEntry ? readRequest(r, requestEntry, paramTypes, span) : undefined;
  const resultFrom = readResultFrom(r, m.get('result_from'), span);
  const statusEntry = m.get('retryable_statuses');
  const retryableStatuses = statusEntry ? readStatuses(r, statusEntry, span) : connectorStatuses;
  if (r.diagnostics.length > before || !result || !request || !resultFrom) return undefined;
  return {
    name,
    ...(description !== undefined ? { description } : {}),
    params,
    result,
    request,
    resultFrom,
    ...(retryableStatuses ? { retryableStatuses } : {}),
    span,
  };
}

function readParams(r: ConnectorReader, entry: Entry | undefined, at: Span): ConnectorParam[] {
  if (!entry || (isScalar(entry.value) && entry.value.value === null)) return [];
  const entries = r.entries(entry.value, '`params`', r.at(entry.key, at));
  const params: ConnectorParam[] = [];
  for (const [rawName, e] of entries ?? []) {
    const optionalKey = rawName.endsWith('?');
    const name = optionalKey ? rawName.slice(0, -1) : rawName;
    if (!NAME_PATTERN.test(name)) {
      r.error(r.at(e.key, at), `parameter name \`${rawName}\` must be a name (letters, digits, _)`);
      continue;
    }
    if (params.some((p) => p.name === name)) {
      r.error(r.at(e.key, at), `parameter \`${name}\` is declared twice`);
      continue;
    }
    const type = r.type(e.value, `parameter \`${name}\``, r.at(e.key, at));
    if (!type) continue;
    const optional = optionalKey || type.kind === 'optional';
    params.push({ name, type: type.kind === 'optional' ? type.type : type, optional });
  }
  return params;
}

function readResultFrom(r: ConnectorReader, entry: Entry | undefined, at: Span): string[] | undefined {
  if (!entry) return ['body'];
  const text = r.string(entry.value, '`result_from`', r.at(entry.key, at));
  if (text === undefined) return undefined;
  const path = text.split('.');
  if (
    !RESULT_ROOTS.has(path[0]) ||
    path.some((p) => p.length === 0) ||
    (path[0] !== 'body' && path[0] !== 'headers' && path.length > 1)
  ) {
    r.error(
      r.at(entry.value, at),
      '`result_from` must be `body`, `body.FIELD...`, `headers.NAME`, `status` or `response`',
    );
    return undefined;
  }
  return path;
}

function readStatuses(r: ConnectorReader, entry: Entry | undefined, at: Span): number[] | undefined {
  if (!entry) return undefined;
  const span = r.at(entry.value, r.at(entry.key, at));
  if (!isSeq(entry.value)) {
    r.error(span, '`retryable_statuses` must be a list such as [429, 503] or [408, 429, 5xx]');
    return undefined;
  }
  const out = new Set<number>();
  for (const item of entry.value.items) {
    const v: unknown = isScalar(item) ? item.value : undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599) out.add(v);
    else if (typeof v === 'string' && /^[1-5]xx$/i.test(v)) {
      const base = Number(v[0]) * 100;
      for (let s = base; s < base + 100; s++) out.add(s);
    } else r.error(r.at(item as Node, span), `\`${String(v)}\` is not an HTTP status (100–599, or 4xx/5xx)`);
  }
  return [...out].sort((a, b) => a - b);
}

function optionalString(
  r: ConnectorReader,
  entry: Entry | undefined,
  what: string,
  at: Span,
): string | undefined {
  return entry ? r.string(entry.value, `\`${what}\``, r.at(entry.key, at)) : undefined;
}

function collectActionSecrets(action: ConnectorAction, into: Set<string>): void {
  const add = (t: Template): void => templateSecrets(t).forEach((s) => into.add(s));
  add(action.request.path);
  action.request.query.forEach((q) => add(q.template));
  action.request.headers.forEach((h) => add(h.template));
  const walk = (b: BodyTemplate): void => {
    if (b.kind === 'template') add(b.template);
    else if (b.kind === 'list') b.items.forEach(walk);
    else if (b.kind === 'object') b.fields.forEach((f) => walk(f.value));
  };
  if (action.request.body) walk(action.request.body);
}

function firstLine(message: string): string {
  const line = message.split('\n')[0];
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
