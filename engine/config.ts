import { isAbsolute, join, resolve } from 'node:path';
import { parseAllowlist } from '../activities/allowlist';
import type { SmtpConfig } from '../activities/contract';
import { configVariable } from './config-schema';
import { ConfigError } from './errors';

export { CONFIG_SCHEMA, isKnownVariable, renderConfigTable } from './config-schema';
export type { ConfigVariable } from './config-schema';

/** Where the engine's tables live: a PostgreSQL server, or PGlite embedded in this process. */
export type DatabaseConfig =
  { readonly kind: 'postgres'; readonly url: string } | { readonly kind: 'pglite'; readonly dataDir: string };

/** The Temporal server: a cluster (or Temporal Cloud), or a dev server this process starts. */
export type TemporalConfig =
  | {
      readonly kind: 'remote';
      readonly address: string;
      readonly namespace: string;
      readonly apiKey?: string;
    }
  | {
      readonly kind: 'embedded';
      readonly namespace: string;
      readonly port: number;
      readonly uiPort: number;
      /** The dev server's SQLite file, so runs survive restarts. */
      readonly dbFile: string;
    };

/** Levels of the API's request log (pino's), `silent` for none. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A level of the API's request log. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** opsflow's configuration, validated. Paths are absolute. */
export interface Config {
  /** DATABASE_URL or TEMPORAL_ADDRESS names a host other than this machine. */
  readonly production: boolean;
  readonly database: DatabaseConfig;
  readonly temporal: TemporalConfig;
  readonly dataDir: string;
  readonly rulesDir: string;
  readonly port: number;
  /** Unset in embedded mode until `ensureAdminToken` generates one. */
  readonly adminToken?: string;
  readonly httpAllow: readonly string[];
  readonly taskQueue: string;
  readonly maxCausalDepth: number;
  /** `OPSFLOW_ROUTER_POLL_MS`: how often an idle router polls for events stored elsewhere. */
  readonly routerPollMs: number;
  /** `OPSFLOW_WORKER_MEMORY_MB`: the worker's memory budget; unset, it is detected. */
  readonly workerMemoryMb?: number;
  /** Requests per second per API key on `POST /v1/events`; 0 means no limit. */
  readonly ingestRateLimit: number;
  /** The level of the API's request log. */
  readonly logLevel: LogLevel;
  /** `OPSFLOW_BULK_RERUN_RATE`: runs per second one bulk rerun job starts. */
  readonly bulkRerunRate: number;
  /** Base URL of Temporal's Web UI (no trailing slash), for links to runs; unset when unknown. */
  readonly temporalUiUrl?: string;
  /** `OPSFLOW_UNDECLARED_EVENTS`: refuse or store events of a type no deployed rule declares. */
  readonly undeclaredEvents: 'reject' | 'store';
  readonly secretsFile?: string;
  readonly slack?: { readonly webhookUrl: string };
  readonly smtp?: SmtpConfig;
  /** The environment it was read from: connectors' `base_url: { config: NAME }` and `OPSFLOW_SECRET_*`. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * What the process is about to do: `start` runs everything, `api` and `worker` are processes of a
 * scaled-out deployment (they share servers, so they refuse embedded ones), `migrate` only needs
 * the database.
 */
export type ConfigRole = 'start' | 'api' | 'worker' | 'migrate';

export interface LoadConfigOptions {
  /** Relative paths are resolved against it (default `process.cwd()`). */
  readonly cwd?: string;
  readonly role?: ConfigRole;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the configuration from `env`. Pure: no file or network access. Every problem
 * is reported at once, each naming its variable; a secret's value is never echoed.
 */
export function loadConfig(env: Env, options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const role = options.role ?? 'start';
  const problems: string[] = [];
  const read = new Reader(env, problems);

  const dataDir = resolve(cwd, read.text('OPSFLOW_DATA_DIR'));
  const databaseUrl = read.optional('DATABASE_URL');
  const temporalAddress = read.optional('TEMPORAL_ADDRESS');
  const namespace = read.text('TEMPORAL_NAMESPACE');
  if (databaseUrl !== undefined) checkDatabaseUrl(databaseUrl, problems);
  if (temporalAddress !== undefined) checkTemporalAddress(temporalAddress, problems);
  const production =
    (databaseUrl !== undefined && !isLoopback(urlHost(databaseUrl))) ||
    (temporalAddress !== undefined && !isLoopback(temporalAddress.replace(/:\d+$/, '')));

  const database: DatabaseConfig = databaseUrl
    ? { kind: 'postgres', url: databaseUrl }
    : { kind: 'pglite', dataDir: join(dataDir, 'pg') };
  const apiKey = read.optional('TEMPORAL_API_KEY');
  const temporal: TemporalConfig = temporalAddress
    ? { kind: 'remote', address: temporalAddress, namespace, ...(apiKey ? { apiKey } : {}) }
    : {
        kind: 'embedded',
        namespace,
        port: read.port('OPSFLOW_TEMPORAL_PORT'),
        uiPort: read.port('OPSFLOW_TEMPORAL_UI_PORT'),
        dbFile: join(dataDir, 'temporal.db'),
      };

  const adminToken = read.optional('OPSFLOW_ADMIN_TOKEN');
  if (adminToken !== undefined && adminToken.length < 16) {
    problems.push('OPSFLOW_ADMIN_TOKEN: must be at least 16 characters (e.g. `openssl rand -hex 24`)');
  }
  if (production) {
    if (!databaseUrl)
      problems.push(
        'DATABASE_URL: required when TEMPORAL_ADDRESS points at a remote server (PGlite serves one process only)',
      );
    if (!temporalAddress)
      problems.push('TEMPORAL_ADDRESS: required when DATABASE_URL points at a remote server');
    if (!adminToken && (role === 'start' || role === 'api'))
      problems.push('OPSFLOW_ADMIN_TOKEN: required in production (it is generated only in embedded mode)');
  }
  if (role === 'api' || role === 'worker') {
    // These processes are replicas sharing servers; an embedded database or dev server would be
    // private to one of them and silently split the deployment.
    if (!databaseUrl)
      problems.push(
        `DATABASE_URL: required by \`opsflow ${role}\` (use \`opsflow start\` for embedded mode)`,
      );
    if (!temporalAddress)
      problems.push(
        `TEMPORAL_ADDRESS: required by \`opsflow ${role}\` (use \`opsflow start\` for embedded mode)`,
      );
  }

  const httpAllow = read.list('OPSFLOW_HTTP_ALLOW');
  try {
    parseAllowlist(httpAllow);
  } catch (err) {
    problems.push(
      `OPSFLOW_HTTP_ALLOW: ${err instanceof Error ? err.message.replace(/^invalid httpAllow entry /, 'invalid entry ') : String(err)}`,
    );
  }
  const secretsFile = read.optional('OPSFLOW_SECRETS_FILE');
  const slackUrl = read.optional('OPSFLOW_SLACK_WEBHOOK_URL');
  if (slackUrl !== undefined && !/^https?:$/.test(protocolOf(slackUrl))) {
    problems.push('OPSFLOW_SLACK_WEBHOOK_URL: must be an http(s) URL (value not shown: it is a secret)');
  }

  const config: Config = {
    production,
    database,
    temporal,
    dataDir,
    rulesDir: resolve(cwd, read.text('OPSFLOW_RULES')),
    port: read.port('PORT'),
    ...(adminToken ? { adminToken } : {}),
    httpAllow,
    taskQueue: read.text('OPSFLOW_TASK_QUEUE'),
    maxCausalDepth: read.integer('OPSFLOW_MAX_CAUSAL_DEPTH', 1, 100),
    routerPollMs: read.integer('OPSFLOW_ROUTER_POLL_MS', 10, 60_000),
    ...(read.optional('OPSFLOW_WORKER_MEMORY_MB') !== undefined
      ? { workerMemoryMb: read.integer('OPSFLOW_WORKER_MEMORY_MB', 256, 1_048_576) }
      : {}),
    ingestRateLimit: read.integer('OPSFLOW_INGEST_RATE_LIMIT', 0, 1_000_000),
    logLevel: read.oneOf('OPSFLOW_LOG_LEVEL', LOG_LEVELS),
    bulkRerunRate: read.integer('OPSFLOW_BULK_RERUN_RATE', 1, 1000),
    ...temporalUi(read, temporal, problems),
    undeclaredEvents: read.oneOf('OPSFLOW_UNDECLARED_EVENTS', ['reject', 'store'] as const),
    ...(secretsFile
      ? { secretsFile: isAbsolute(secretsFile) ? secretsFile : resolve(cwd, secretsFile) }
      : {}),
    ...(slackUrl ? { slack: { webhookUrl: slackUrl } } : {}),
    ...smtpConfig(read, problems),
    env,
  };
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return config;
}

/** The Web UI's base URL: configured, or the embedded dev server's. */
function temporalUi(read: Reader, temporal: TemporalConfig, problems: string[]): { temporalUiUrl?: string } {
  const url = read.optional('OPSFLOW_TEMPORAL_UI_URL');
  if (url !== undefined) {
    if (!/^https?:$/.test(protocolOf(url))) {
      problems.push('OPSFLOW_TEMPORAL_UI_URL: must be an http(s) URL');
      return {};
    }
    return { temporalUiUrl: url.replace(/\/+$/, '') };
  }
  return temporal.kind === 'embedded' ? { temporalUiUrl: `http://localhost:${temporal.uiPort}` } : {};
}

/** Reads variables with their schema defaults, recording problems instead of throwing. */
class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  /** The value, or undefined when unset or blank (compose passes `${X:-}` as an empty string). */
  optional(name: string): string | undefined {
    if (!configVariable(name)) throw new Error(`${name} is not in CONFIG_SCHEMA`);
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  text(name: string): string {
    const value = this.optional(name) ?? configVariable(name)?.default;
    if (value === undefined) throw new Error(`${name} has no default in CONFIG_SCHEMA`);
    return value;
  }

  integer(name: string, min: number, max: number): number {
    const raw = this.text(name);
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      this.problems.push(
        `${name}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
      );
      return min;
    }
    return value;
  }

  port(name: string): number {
    return this.integer(name, 1, 65535);
  }

  oneOf<T extends string>(name: string, choices: readonly T[]): T {
    const raw = this.text(name).toLowerCase();
    const found = choices.find((c) => c === raw);
    if (found === undefined) {
      this.problems.push(`${name}: expected one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
      return choices[0];
    }
    return found;
  }

  list(name: string): string[] {
    return (this.optional(name) ?? configVariable(name)?.default ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
}

function smtpConfig(read: Reader, problems: string[]): { smtp?: SmtpConfig } {
  const url = read.optional('OPSFLOW_SMTP_URL');
  const host = read.optional('OPSFLOW_SMTP_HOST');
  const from = read.optional('OPSFLOW_SMTP_FROM');
  if (!url && !host) {
    if (from) problems.push('OPSFLOW_SMTP_FROM: set, but neither OPSFLOW_SMTP_URL nor OPSFLOW_SMTP_HOST is');
    return {};
  }
  if (url && host) problems.push('OPSFLOW_SMTP_HOST: set together with OPSFLOW_SMTP_URL; use one of them');
  if (!from)
    problems.push('OPSFLOW_SMTP_FROM: required when SMTP is configured (`opsflow <ops@shop.example>`)');
  if (url) {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed || (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') || !parsed.hostname) {
      problems.push(
        'OPSFLOW_SMTP_URL: expected smtp://user:password@host:port or smtps://… (value not shown: it may hold a password)',
      );
      return {};
    }
    const secure = parsed.protocol === 'smtps:';
    const user = decodeURIComponent(parsed.username);
    return {
      smtp: {
        host: parsed.hostname,
        port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
        secure,
        ...(user ? { auth: { user, pass: decodeURIComponent(parsed.password) } } : {}),
        from: from ?? '',
      },
    };
  }
  const port = read.port('OPSFLOW_SMTP_PORT');
  const user = read.optional('OPSFLOW_SMTP_USER');
  const pass = read.optional('OPSFLOW_SMTP_PASSWORD');
  if (Boolean(user) !== Boolean(pass)) {
    problems.push('OPSFLOW_SMTP_USER / OPSFLOW_SMTP_PASSWORD: set both or neither');
  }
  return {
    smtp: {
      host: host ?? '',
      port,
      secure: port === 465,
      ...(user && pass ? { auth: { user, pass } } : {}),
      from: from ?? '',
    },
  };
}

function checkDatabaseUrl(url: string, problems: string[]): void {
  const protocol = protocolOf(url);
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    problems.push(
      'DATABASE_URL: expected postgres://user:password@host:5432/db (value not shown: it may hold a password)',
    );
  }
}

function checkTemporalAddress(address: string, problems: string[]): void {
  const match = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(address);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
    problems.push(
      `TEMPORAL_ADDRESS: expected host:port (e.g. temporal:7233), got ${JSON.stringify(address)}`,
    );
  }
}

function protocolOf(url: string): string {
  return URL.canParse(url) ? new URL(url).protocol : '';
}

function urlHost(url: string): string {
  return URL.canParse(url) ? new URL(url).hostname : '';
}

/** A server on this machine is a development set-up, not production. */
function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === '' || h === 'localhost' || h === '::1' || /^127\./.test(h);
}
