/**
 * The one way activities talk HTTP: allowlist, address policy, pinned connection, no redirects,
 * timeouts and a size cap on the response.
 *
 * Built on `node:http`/`node:https` rather than the global `fetch`: the DNS-rebinding defence needs
 * the connection to go to exactly the addresses that were checked, and `http.request` takes a
 * custom `lookup` for that (global fetch would need undici's own `Agent`, which Node does not
 * expose), and a streamed response can be cut off the moment it passes the cap. `http.request`
 * also never follows redirects, which is what we want: a 3xx is returned, not chased.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import type { AllowEntry } from './allowlist';
import { isPublicAddress, matchAllowlist } from './allowlist';
import {
  ActionError,
  ActionUnavailableError,
  FailureTypes,
  HostNotAllowedError,
  InvalidInputError,
  ResponseTooLargeError,
} from './errors';

/** A resolved address, as `dns.lookup` with `all: true` gives them. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to all its addresses. */
export type Resolve = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const defaultResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** What the client enforces on every request. */
export interface HttpPolicy {
  readonly allow: readonly AllowEntry[];
  readonly maxResponseBytes: number;
  readonly timeoutMs: number;
  readonly resolve: Resolve;
}

/** A request, ready to send. Header names as given; values already free of secret markers. */
export interface OutboundRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

/** A complete response. Header names are lower case; repeated headers are joined with `, `. */
export interface InboundResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Checks the URL against the allowlist and resolves it; the returned addresses are the only ones used. */
export async function checkDestination(
  policy: HttpPolicy,
  url: URL,
): Promise<{ readonly addresses: readonly ResolvedAddress[]; readonly hostname: string }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidInputError(
      `only http and https URLs can be requested, not ${url.protocol.replace(':', '')}`,
    );
  }
  if (url.username || url.password)
    throw new InvalidInputError('URLs must not carry credentials; use headers and secrets');
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const entry = matchAllowlist(policy.allow, hostname, port);
  if (!entry) throw new HostNotAllowedError(`${url.host} is not on the HTTP allowlist`);
  let addresses: readonly ResolvedAddress[];
  try {
    const family = isIP(hostname);
    addresses = family !== 0 ? [{ address: hostname, family }] : await policy.resolve(hostname);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND')
      throw new ActionError(FailureTypes.ActionRejected, `${hostname} does not resolve`);
    throw new ActionUnavailableError(`${hostname} could not be resolved (${code ?? 'error'})`);
  }
  if (addresses.length === 0) throw new ActionUnavailableError(`${hostname} resolved to no address`);
  for (const a of addresses) {
    if (!isPublicAddress(a.address) && entry.kind !== 'exact') {
      throw new HostNotAllowedError(
        `${url.host} resolves to a non-public address (${a.address}); only a host listed exactly on the allowlist may do that`,
      );
    }
  }
  return { addresses, hostname };
}

/** A `lookup` that answers only with the checked addresses, so the socket cannot go anywhere else. */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = typeof options === 'object' && options.family ? options.family : 0;
    const usable = addresses.filter((a) => !family || a.family === family);
    const list = usable.length > 0 ? usable : addresses;
    if (typeof options === 'object' && options.all) {
      (callback as (err: null, addresses: ResolvedAddress[]) => void)(null, [...list]);
    } else {
      (callback as (err: null, address: string, family: number) => void)(
        null,
        list[0].address,
        list[0].family,
      );
    }
  };
}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/** Sends one request under `policy`. Cancelled through `signal` (the activity's cancellation signal). */
export async function send(
  policy: HttpPolicy,
  request: OutboundRequest,
  signal?: AbortSignal,
): Promise<InboundResponse> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new InvalidInputError('the URL is not valid');
  }
  const { addresses } = await checkDestination(policy, url);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers: Record<string, string> = { ...request.headers };
  if (body) headers['Content-Length'] = String(body.length);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<InboundResponse>((resolve, reject) => {
    let settled = false;
    const finish = (err: unknown, res?: InboundResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (res) resolve(res);
      else reject(err);
    };
    let req: http.ClientRequest;
    try {
      req = transport.request(url, {
        method: request.method,
        headers,
        lookup: pinnedLookup(addresses),
        // A fresh connection per call: a pooled socket could belong to an earlier, differently checked lookup.
        agent: false,
        timeout: policy.timeoutMs,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      // Invalid header names or values (e.g. a line break) are refused before anything is sent.
      throw new InvalidInputError(`the request is not valid: ${(err as Error).message}`);
    }
    const deadline = setTimeout(() => {
      req.destroy(new ActionUnavailableError(`no complete response within ${policy.timeoutMs} ms`));
    }, policy.timeoutMs);
    req.on('timeout', () =>
      req.destroy(new ActionUnavailableError(`the connection was idle for ${policy.timeoutMs} ms`)),
    );
    req.on('error', (err) => finish(classifyNetworkError(err, signal)));
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > policy.maxResponseBytes) {
        req.destroy();
        finish(new ResponseTooLargeError(policy.maxResponseBytes));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > policy.maxResponseBytes) {
          req.destroy();
          finish(new ResponseTooLargeError(policy.maxResponseBytes));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (err) => finish(classifyNetworkError(err, signal)));
      res.on('close', () => {
        if (!res.complete)
          finish(new ActionUnavailableError('the connection closed before the response was complete'));
      });
      res.on('end', () =>
        finish(undefined, {
          status: res.statusCode ?? 0,
          headers: flattenHeaders(res.headers),
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.end(body);
  });
}

function classifyNetworkError(err: Error, signal?: AbortSignal): unknown {
  // Cancellation is Temporal's to report: hand back the reason it gave.
  if (signal?.aborted) return signal.reason ?? err;
  if (err instanceof ActionError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (TRANSIENT_CODES.has(code)) return new ActionUnavailableError(`connection failed (${code})`);
  if (/CERT|TLS|SSL/i.test(code)) return new ActionError(FailureTypes.ActionRejected, `TLS failed (${code})`);
  return new ActionUnavailableError(`request failed: ${err.message}`);
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    Object.defineProperty(out, name, {
      value: Array.isArray(value) ? value.join(', ') : value,
      enumerable: true,
      writable: true,
    });
  }
  return out;
}

/** The body as a JSON value when it is declared (or looks) like JSON, as text otherwise, `null` when empty. */
export function decodeBody(response: InboundResponse): unknown {
  if (response.body.length === 0) return null;
  const text = response.body.toString('utf8');
  const type = (response.headers['content-type'] ?? '').toLowerCase();
  if (/[/+]json\b/.test(type)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** A short, single-line piece of the body for error messages (redacted by the caller's scope). */
export function bodySnippet(response: InboundResponse, max = 300): string {
  const text = response.body
    .subarray(0, max * 4)
    .toString('utf8')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
