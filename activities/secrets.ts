/**
 * Secrets: where their values come from, and how an action resolves and then hides them.
 *
 * Rules pass `secret("NAME")` as an opaque marker (`{ $secret: "NAME" }`, or a `{ $template: [...] }`
 * when text was joined to it); the workflow history only ever holds the name. The value is looked
 * up here, inside the activity, right before a request is built. Every value resolved for a call is
 * remembered by that call's `SecretScope`, which redacts it from anything the activity returns,
 * throws or logs.
 */
import { readFile, stat } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ActionError, FailureTypes } from './errors';

/** Looks a secret up by name; `undefined` when it is not defined. */
export interface SecretResolver {
  resolve(name: string): Promise<string | undefined>;
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Secrets from environment variables: `secret("SHOP_TOKEN")` reads `OPSFLOW_SECRET_SHOP_TOKEN`. */
export function envSecrets(
  env: Readonly<Record<string, string | undefined>> = process.env,
  prefix = 'OPSFLOW_SECRET_',
): SecretResolver {
  return {
    resolve: (name) => Promise.resolve(SECRET_NAME.test(name) ? env[`${prefix}${name}`] : undefined),
  };
}

/**
 * Secrets from a YAML (or JSON) file holding one mapping of names to values. The file is re-read
 * when it changes, so a rotated secret is picked up without a restart; a missing file defines none.
 */
export function fileSecrets(path: string): SecretResolver {
  let cached: { mtimeMs: number; size: number; values: ReadonlyMap<string, string> } | undefined;
  const load = async (): Promise<ReadonlyMap<string, string>> => {
    let info;
    try {
      info = await stat(path);
    } catch {
      return new Map();
    }
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.values;
    const values = parseSecretsFile(await readFile(path, 'utf8'));
    cached = { mtimeMs: info.mtimeMs, size: info.size, values };
    return values;
  };
  return { resolve: async (name) => (await load()).get(name) };
}

/**
 * Parses a secrets file. A malformed file is a deployment error; the message names the problem but
 * never echoes the file's content, which is all secrets.
 */
export function parseSecretsFile(text: string): ReadonlyMap<string, string> {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch {
    throw new ActionError(FailureTypes.NotConfigured, 'the secrets file is not valid YAML');
  }
  const out = new Map<string, string>();
  if (data === null || data === undefined) return out;
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ActionError(FailureTypes.NotConfigured, 'the secrets file must hold a mapping of NAME: value');
  }
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out.set(name, String(value));
    } else {
      throw new ActionError(FailureTypes.NotConfigured, `the secrets file entry ${name} must be text`);
    }
  }
  return out;
}

/** The first resolver that defines a name wins: e.g. the environment, then a secrets file. */
export function chainSecrets(...resolvers: readonly SecretResolver[]): SecretResolver {
  return {
    resolve: async (name) => {
      for (const r of resolvers) {
        const value = await r.resolve(name);
        if (value !== undefined) return value;
      }
      return undefined;
    },
  };
}

/** `secret("NAME")` as the evaluator passes it (the same shape as `SecretRef` in dsl/runtime/value.ts). */
export interface SecretRef {
  readonly $secret: string;
}

/** Text joined to secrets (the same shape as `SecretTemplate` in dsl/runtime/value.ts). */
export interface SecretTemplate {
  readonly $template: readonly (string | SecretRef)[];
}

/** A secret marker as it arrives in activity arguments. */
export type SecretMarker = SecretRef | SecretTemplate;

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

export function isSecretRef(value: unknown): value is SecretRef {
  return isPlainRecord(value) && Object.keys(value).length === 1 && typeof value['$secret'] === 'string';
}

export function isSecretMarker(value: unknown): value is SecretMarker {
  return (
    isSecretRef(value) ||
    (isPlainRecord(value) && Object.keys(value).length === 1 && Array.isArray(value['$template']))
  );
}

/** Does `value` hold a secret marker anywhere? Bounded: past `maxNodes` it answers yes, which fails safe. */
export function containsSecret(value: unknown, maxNodes = 100_000): boolean {
  const stack: unknown[] = [value];
  let seen = 0;
  while (stack.length > 0) {
    if (++seen > maxNodes) return true;
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...(v as unknown[]));
    else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        if (k === '$secret' || k === '$template') return true;
        stack.push(child);
      }
    }
  }
  return false;
}

const REDACTED = '***';

/** Base64 pieces shorter than this are not redacted: they would match unrelated text. */
const MIN_BASE64_PIECE = 6;

/**
 * `value` as a server may echo it back: raw; URL- and form-encoded (`%2F` or `%2f`, space as
 * `%20` or `+`); JSON-escaped (with or without `\/`, non-ASCII raw or as `\u00e9`/`\u00E9`); and
 * base64 (standard and URL-safe) at each of the three alignments it can have inside a longer
 * base64 text (e.g. `Basic base64(user:secret)`), cut to the characters that depend on the value
 * alone.
 */
export function encodedForms(value: string): Set<string> {
  // Error texts quote bodies with runs of white space collapsed (`bodySnippet`).
  const forms = new Set<string>([value, value.replace(/\s+/g, ' ')]);
  const url = encodeURIComponent(value);
  const form = new URLSearchParams([['', value]]).toString().slice(1);
  for (const encoded of [url, url.replace(/%20/g, '+'), form, form.replace(/\+/g, '%20')]) {
    forms.add(encoded);
    forms.add(encoded.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
  }
  const json = JSON.stringify(value).slice(1, -1);
  for (const j of [json, json.replace(/\//g, '\\/')]) {
    forms.add(j);
    const lower = j.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    forms.add(lower);
    forms.add(lower.replace(/\\u([0-9a-f]{4})/g, (_m, h: string) => `\\u${h.toUpperCase()}`));
  }
  const bytes = Buffer.from(value, 'utf8');
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    // Characters mixing in bits of the neighbouring text, and padding, are left out.
    const piece = b64.slice(Math.ceil((shift * 8) / 6), Math.floor(((shift + bytes.length) * 8) / 6));
    if (piece.length < MIN_BASE64_PIECE) continue;
    forms.add(piece);
    forms.add(piece.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  forms.delete('');
  return forms;
}

/**
 * The secrets one action call has seen. `resolve` looks a name up (failing for good when it is not
 * defined) and remembers the value; `redact` removes every remembered value, also in the
 * encodings a server may echo it in (see `encodedForms`), from a text.
 */
export class SecretScope {
  private readonly values = new Set<string>();

  constructor(private readonly resolver: SecretResolver) {}

  /** Marks a value as sensitive without it being a named secret (e.g. a webhook URL). */
  remember(value: string): void {
    if (value.length === 0) return;
    for (const form of encodedForms(value)) this.values.add(form);
  }

  async resolve(name: string): Promise<string> {
    const value = SECRET_NAME.test(name) ? await this.resolver.resolve(name) : undefined;
    if (value === undefined) {
      throw new ActionError(FailureTypes.SecretMissing, `secret ${JSON.stringify(name)} is not defined`);
    }
    this.remember(value);
    return value;
  }

  /** Resolves a marker to its text. */
  async text(marker: SecretMarker): Promise<string> {
    if (isSecretRef(marker)) return this.resolve(marker.$secret);
    let out = '';
    for (const part of marker.$template) {
      if (typeof part === 'string') out += part;
      else if (isSecretRef(part)) out += await this.resolve(part.$secret);
    }
    return out;
  }

  /** Replaces every marker in a JSON value with the secret's text. */
  async resolveDeep(value: unknown): Promise<unknown> {
    if (isSecretMarker(value)) return this.text(value);
    if (Array.isArray(value)) return Promise.all(value.map((v: unknown) => this.resolveDeep(v)));
    if (isPlainRecord(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        Object.defineProperty(out, k, { value: await this.resolveDeep(v), enumerable: true, writable: true });
      }
      return out;
    }
    return value;
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) out = out.split(v).join(REDACTED);
    return out;
  }

  /** Redacts every string (and object key) of a JSON value, e.g. a response that echoes a header. */
  redactDeep(value: unknown): unknown {
    if (this.values.size === 0) return value;
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((v: unknown) => this.redactDeep(v));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        Object.defineProperty(out, this.redact(k), {
          value: this.redactDeep(v),
          enumerable: true,
          writable: true,
        });
      }
      return out;
    }
    return value;
  }
}
