/**
 * Built-in actions: `http.request`, `notify.slack`, `notify.email`. Their signatures for the checker
 * live in dsl/check/builtins.ts; this is how they run.
 */
import type { CallContext } from './connector-action';
import { ActionError, FailureTypes, InvalidInputError, SecretNotAllowedError, statusError } from './errors';
import { bodySnippet, decodeBody, send } from './http-client';
import type { Mailer } from './email';
import { parseRecipients } from './email';
import { containsSecret, isSecretMarker } from './secrets';
import type { Args } from './values';
import { own } from './values';

/** What the built-ins need besides the call context. */
export interface BuiltinDeps {
  readonly slackWebhookUrl?: string;
  readonly mailer?: Mailer;
}

/** A built-in action: takes checked-at-the-boundary arguments, returns its JSON result. */
export type BuiltinAction = (ctx: CallContext, deps: BuiltinDeps, args: Args) => Promise<unknown>;

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Headers the caller may not set: they would change where the request goes or how it is framed. */
const FORBIDDEN_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'idempotency-key',
]);

function allowedParams(action: string, args: Args, names: readonly string[]): void {
  for (const key of Object.keys(args)) {
    if (!names.includes(key)) throw new InvalidInputError(`${action} has no parameter \`${key}\``);
  }
}

function requiredText(
  action: string,
  args: Args,
  name: string,
  secretsAllowed: boolean,
): string | { secret: unknown } {
  const value = own(args, name);
  if (typeof value === 'string') return value;
  if (isSecretMarker(value)) {
    if (!secretsAllowed) throw new SecretNotAllowedError(`${action}: \`${name}\` cannot be a secret`);
    return { secret: value };
  }
  if (value === undefined || value === null)
    throw new InvalidInputError(`${action}: \`${name}\` is required`);
  throw new InvalidInputError(`${action}: \`${name}\` must be text`);
}

/** Refuses secrets where they would be shown to people or stored (notifications). */
function noSecrets(action: string, args: Args): void {
  if (containsSecret(args)) throw new SecretNotAllowedError(`${action} cannot send secrets`);
}

const httpRequest: BuiltinAction = async (ctx, _deps, args) => {
  allowedParams('http.request', args, ['method', 'url', 'headers', 'body']);
  const method = requiredText('http.request', args, 'method', false);
  if (typeof method !== 'string' || !HTTP_METHODS.has(method.toUpperCase())) {
    throw new InvalidInputError(`http.request: \`method\` must be one of ${[...HTTP_METHODS].join(', ')}`);
  }
  const rawUrl = requiredText('http.request', args, 'url', true);
  const url = typeof rawUrl === 'string' ? rawUrl : String(await ctx.scope.resolveDeep(rawUrl.secret));
  const headers: Record<string, string> = { 'User-Agent': 'opsflow' };
  const rawHeaders = own(args, 'headers');
  if (rawHeaders !== undefined && rawHeaders !== null) {
    if (typeof rawHeaders !== 'object' || Array.isArray(rawHeaders) || isSecretMarker(rawHeaders)) {
      throw new InvalidInputError('http.request: `headers` must be an object of header names to text');
    }
    for (const [name, raw] of Object.entries(rawHeaders as Record<string, unknown>)) {
      if (FORBIDDEN_HEADERS.has(name.toLowerCase()))
        throw new InvalidInputError(`http.request: the ${name} header cannot be set`);
      const value =
        typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : await ctx.scope.resolveDeep(raw);
      if (typeof value !== 'string') throw new InvalidInputError(`http.request: header ${name} must be text`);
      headers[name] = value;
    }
  }
  headers['Idempotency-Key'] = ctx.idempotencyKey;
  const rawBody = own(args, 'body');
  let body: string | undefined;
  if (rawBody !== undefined && rawBody !== null) {
    const resolved = await ctx.scope.resolveDeep(rawBody);
    const isText = typeof resolved === 'string';
    body = isText ? resolved : JSON.stringify(resolved);
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = isText ? 'text/plain; charset=utf-8' : 'application/json';
    }
  }
  const response = await send(
    ctx.policy,
    { method: method.toUpperCase(), url, headers, ...(body !== undefined ? { body } : {}) },
    ctx.signal,
  );
  // 2xx and 3xx are results (a redirect is returned, not followed); 4xx and 5xx are failures.
  if (response.status >= 400) {
    throw statusError(
      'http.request',
      response.status,
      ctx.scope.redact(bodySnippet(response)),
      undefined,
      response.headers['retry-after'],
    );
  }
  return ctx.scope.redactDeep({
    status: response.status,
    headers: response.headers,
    body: decodeBody(response),
  });
};

const notifySlack: BuiltinAction = async (ctx, deps, args) => {
  allowedParams('notify.slack', args, ['channel', 'text']);
  noSecrets('notify.slack', args);
  const channel = requiredText('notify.slack', args, 'channel', false) as string;
  const text = requiredText('notify.slack', args, 'text', false) as string;
  if (!deps.slackWebhookUrl)
    throw new ActionError(FailureTypes.NotConfigured, 'notify.slack: no Slack webhook URL is configured');
  // The webhook URL embeds its own credential: keep it out of messages like any secret.
  ctx.scope.remember(deps.slackWebhookUrl);
  ctx.scope.remember(new URL(deps.slackWebhookUrl).pathname);
  const response = await send(
    ctx.policy,
    {
      method: 'POST',
      url: deps.slackWebhookUrl,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'opsflow',
        'Idempotency-Key': ctx.idempotencyKey,
      },
      body: JSON.stringify({ channel, text }),
    },
    ctx.signal,
  );
  if (response.status < 200 || response.status > 299) {
    throw statusError(
      'the Slack webhook',
      response.status,
      ctx.scope.redact(bodySnippet(response)),
      undefined,
      response.headers['retry-after'],
    );
  }
  return {};
};

const notifyEmail: BuiltinAction = async (ctx, deps, args) => {
  allowedParams('notify.email', args, ['to', 'subject', 'body']);
  noSecrets('notify.email', args);
  const to = parseRecipients(own(args, 'to') ?? requiredText('notify.email', args, 'to', false));
  const subject = requiredText('notify.email', args, 'subject', false) as string;
  const text = requiredText('notify.email', args, 'body', false) as string;
  if (!deps.mailer)
    throw new ActionError(FailureTypes.NotConfigured, 'notify.email: no SMTP server is configured');
  await deps.mailer.send({ to, subject, text, idempotencyKey: ctx.idempotencyKey });
  return {};
};

/** The built-in actions by name. */
export const BUILTINS: ReadonlyMap<string, BuiltinAction> = new Map([
  ['http.request', httpRequest],
  ['notify.slack', notifySlack],
  ['notify.email', notifyEmail],
]);
