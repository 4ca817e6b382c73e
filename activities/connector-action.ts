/**
 * Carries out a connector action: checks the arguments against the declared parameters, builds
 * the request from the templates, sends it under the HTTP policy, and reads the declared result.
 */
import type { BodyTemplate, ConnectorAction, ConnectorDecl, NamedTemplate } from '../dsl';
import { ActionError, FailureTypes, InvalidInputError, statusError } from './errors';
import type { HttpPolicy, InboundResponse } from './http-client';
import { bodySnippet, decodeBody, send } from './http-client';
import type { SecretScope } from './secrets';
import { containsSecret } from './secrets';
import type { Args } from './values';
import { fieldPath, own, renderText, renderWhole, typeProblem } from './values';

/** What one action call runs with. */
export interface CallContext {
  readonly policy: HttpPolicy;
  readonly scope: SecretScope;
  readonly config: Readonly<Record<string, string | undefined>>;
  readonly idempotencyKey: string;
  readonly signal?: AbortSignal;
}

export async function runConnectorAction(
  ctx: CallContext,
  connector: ConnectorDecl,
  action: ConnectorAction,
  args: Args,
): Promise<unknown> {
  checkArgs(action, args);
  const url = await buildUrl(ctx, connector, action, args);
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'opsflow' };
  await addHeaders(headers, connector.headers, args, ctx.scope);
  await addHeaders(headers, action.request.headers, args, ctx.scope);
  headers['Idempotency-Key'] = ctx.idempotencyKey;
  let body: string | undefined;
  if (action.request.body) {
    const rendered = await renderBody(action.request.body, args, ctx.scope, true);
    const isText = action.request.body.kind === 'template' && !action.request.body.template.whole;
    body = isText ? String(rendered) : JSON.stringify(rendered ?? null);
    setDefault(headers, 'Content-Type', isText ? 'text/plain; charset=utf-8' : 'application/json');
  }
  const response = await send(
    ctx.policy,
    { method: action.request.method, url: url.toString(), headers, ...(body !== undefined ? { body } : {}) },
    ctx.signal,
  );
  if (response.status < 200 || response.status > 299) {
    throw statusError(
      action.name,
      response.status,
      ctx.scope.redact(bodySnippet(response)),
      action.retryableStatuses,
      response.headers['retry-after'],
    );
  }
  return readResult(action, response, ctx.scope);
}

function checkArgs(action: ConnectorAction, args: Args): void {
  for (const name of Object.keys(args)) {
    if (!action.params.some((p) => p.name === name)) {
      throw new InvalidInputError(`${action.name} has no parameter \`${name}\``);
    }
  }
  for (const p of action.params) {
    const value = own(args, p.name);
    if (value === undefined || value === null) {
      if (!p.optional) throw new InvalidInputError(`${action.name}: \`${p.name}\` is required`);
      continue;
    }
    const problem = typeProblem(value, p.type, `\`${p.name}\``, true);
    if (problem) throw new InvalidInputError(`${action.name}: ${problem}`);
  }
}

async function buildUrl(
  ctx: CallContext,
  connector: ConnectorDecl,
  action: ConnectorAction,
  args: Args,
): Promise<URL> {
  const source = connector.baseUrl;
  const configured = source.config ? ctx.config[source.config] : undefined;
  const base = configured || source.default;
  if (!base) {
    throw new ActionError(
      FailureTypes.NotConfigured,
      `connector ${connector.connector}: ${source.config ?? 'base_url'} is not configured`,
    );
  }
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new ActionError(
      FailureTypes.NotConfigured,
      `connector ${connector.connector}: the base URL is not a URL`,
    );
  }
  const path = await renderText(action.request.path, args, ctx.scope, 'the path', encodeSegment);
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  url.search = '';
  url.hash = '';
  for (const q of action.request.query) {
    const whole = q.template.whole ? await renderWhole(q.template, args, ctx.scope) : undefined;
    if (q.template.whole && (whole === undefined || whole === null)) continue;
    const values = Array.isArray(whole) ? (whole as unknown[]) : [undefined];
    for (const item of values) {
      const text =
        item === undefined
          ? await renderText(q.template, args, ctx.scope, `query parameter ${q.name}`)
          : scalarText(item, `query parameter ${q.name}`);
      url.searchParams.append(q.name, text);
    }
  }
  return url;
}

/** A path value is one segment: `/` and friends are escaped, and `.`/`..` would climb out of the path. */
function encodeSegment(value: string): string {
  if (value === '') throw new InvalidInputError('a path value is empty (a missing optional parameter?)');
  if (value === '.' || value === '..')
    throw new InvalidInputError(`\`${value}\` cannot be used as a path segment`);
  return encodeURIComponent(value);
}

function scalarText(value: unknown, where: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new InvalidInputError(`${where}: only text, numbers and booleans can be sent`);
}

async function addHeaders(
  target: Record<string, string>,
  templates: readonly NamedTemplate[],
  args: Args,
  scope: SecretScope,
): Promise<void> {
  for (const h of templates) {
    if (h.template.whole) {
      const whole = await renderWhole(h.template, args, scope);
      if (whole === undefined || whole === null) continue;
    }
    const value = await renderText(h.template, args, scope, `header ${h.name}`);
    if (/[\r\n\0]/.test(value)) throw new InvalidInputError(`header ${h.name} must not contain line breaks`);
    for (const existing of Object.keys(target)) {
      if (existing.toLowerCase() === h.name.toLowerCase()) delete target[existing];
    }
    target[h.name] = value;
  }
}

function setDefault(headers: Record<string, string>, name: string, value: string): void {
  if (!Object.keys(headers).some((k) => k.toLowerCase() === name.toLowerCase())) headers[name] = value;
}

/** A body value; `undefined` means "left out" (an optional parameter that was not passed). */
async function renderBody(
  template: BodyTemplate,
  args: Args,
  scope: SecretScope,
  top: boolean,
): Promise<unknown> {
  switch (template.kind) {
    case 'literal':
      return template.value;
    case 'template':
      if (template.template.whole) return renderWhole(template.template, args, scope);
      return renderText(template.template, args, scope, 'the body');
    case 'list': {
      const items: unknown[] = [];
      for (const item of template.items) items.push((await renderBody(item, args, scope, false)) ?? null);
      return items;
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const f of template.fields) {
        const value = await renderBody(f.value, args, scope, false);
        if (value !== undefined)
          Object.defineProperty(out, f.name, { value, enumerable: true, writable: true });
      }
      return out;
    }
  }
  return top ? null : undefined;
}

function readResult(action: ConnectorAction, response: InboundResponse, scope: SecretScope): unknown {
  const body = decodeBody(response);
  const whole = { status: response.status, headers: response.headers, body };
  const [root, ...rest] = action.resultFrom;
  const picked =
    root === 'response'
      ? whole
      : root === 'status'
        ? response.status
        : fieldPath(root === 'headers' ? response.headers : body, rest);
  const result = scope.redactDeep(picked ?? null);
  if (containsSecret(result)) {
    throw new ActionError(
      FailureTypes.InvalidResult,
      `${action.name}: the response contains a reserved $secret/$template key`,
    );
  }
  const problem = typeProblem(result, action.result, 'the result', false);
  if (problem) throw new ActionError(FailureTypes.InvalidResult, `${action.name}: ${problem}`);
  return result;
}
