/**
 * Every environment variable opsflow reads, in one list. `loadConfig` validates them, the
 * operations guide documents them (a test checks that each one is there), and the static test of
 * `docker-compose.yml` refuses a variable that is not in this list.
 */

/** Where a variable matters. */
export type ConfigGroup = 'database' | 'temporal' | 'engine' | 'api' | 'actions';

/** One environment variable: its name, its default (as text), and what it does. */
export interface ConfigVariable {
  readonly name: string;
  readonly group: ConfigGroup;
  /** The value used when the variable is unset; absent when unset means "off" or "embedded". */
  readonly default?: string;
  readonly description: string;
  /** Required when opsflow runs against production servers (`isProduction`). */
  readonly requiredInProduction?: boolean;
  /** Holds a credential: never printed, never echoed in an error message. */
  readonly secret?: boolean;
}

/** The configuration schema, in the order the operations guide lists it. */
export const CONFIG_SCHEMA: readonly ConfigVariable[] = [
  {
    name: 'DATABASE_URL',
    group: 'database',
    description:
      'PostgreSQL connection URL (`postgres://user:password@host:5432/db`). Unset: embedded PGlite in `$OPSFLOW_DATA_DIR/pg` (one process per data directory).',
    requiredInProduction: true,
    secret: true,
  },
  {
    name: 'TEMPORAL_ADDRESS',
    group: 'temporal',
    description:
      'Temporal frontend `host:port`. Unset: `opsflow start` runs a local dev server as a child process, its SQLite file in `$OPSFLOW_DATA_DIR/temporal.db`.',
    requiredInProduction: true,
  },
  {
    name: 'TEMPORAL_NAMESPACE',
    group: 'temporal',
    default: 'default',
    description: 'Temporal namespace of the runs (the embedded dev server creates it).',
  },
  {
    name: 'TEMPORAL_API_KEY',
    group: 'temporal',
    description: 'API key for Temporal Cloud; when set the connection uses TLS.',
    secret: true,
  },
  {
    name: 'OPSFLOW_TEMPORAL_PORT',
    group: 'temporal',
    default: '7233',
    description: 'gRPC port of the embedded dev server (only without `TEMPORAL_ADDRESS`).',
  },
  {
    name: 'OPSFLOW_TEMPORAL_UI_PORT',
    group: 'temporal',
    default: '8233',
    description: 'Web UI port of the embedded dev server (only without `TEMPORAL_ADDRESS`).',
  },
  {
    name: 'OPSFLOW_TASK_QUEUE',
    group: 'temporal',
    default: 'opsflow',
    description: 'Task queue the workers poll and runs are started on; every process must agree.',
  },
  {
    name: 'OPSFLOW_DATA_DIR',
    group: 'engine',
    default: './data',
    description:
      'Local state of the embedded mode: `pg/` (PGlite), `temporal.db`, the generated admin token, pid files.',
  },
  {
    name: 'OPSFLOW_RULES',
    group: 'engine',
    default: './rules',
    description:
      'The rule set folder: the worker loads its connectors (`*.connector.yaml`); the engine deploys its rules at boot.',
  },
  {
    name: 'OPSFLOW_MAX_CAUSAL_DEPTH',
    group: 'engine',
    default: '8',
    description: 'How many `emit`s may chain from one outside event before the router stops routing.',
  },
  {
    name: 'OPSFLOW_ROUTER_POLL_MS',
    group: 'engine',
    default: '200',
    description:
      'Fallback poll of an idle router, in milliseconds: events stored by other processes (emits from workers, ingest on other api processes) wake it at once over PostgreSQL `LISTEN/NOTIFY`; the poll catches anything a lost notification missed. Events ingested by the same process are routed at once.',
  },
  {
    name: 'OPSFLOW_WORKER_MEMORY_MB',
    group: 'engine',
    description:
      'Memory a worker may use, in MB: its workflow cache is sized to fit (runs beyond it are evicted and replayed when their event arrives). Unset: the container limit (cgroup), else a quarter of the machine.',
  },
  {
    name: 'PORT',
    group: 'api',
    default: '8080',
    description: 'HTTP port of the REST API.',
  },
  {
    name: 'OPSFLOW_ADMIN_TOKEN',
    group: 'api',
    description:
      'Bearer token of the API (at least 16 characters). Unset in embedded mode: generated once, stored in `$OPSFLOW_DATA_DIR/admin-token` (mode 0600) and printed once.',
    requiredInProduction: true,
    secret: true,
  },
  {
    name: 'OPSFLOW_INGEST_RATE_LIMIT',
    group: 'api',
    default: '1000',
    description:
      'Requests per second each API key (the admin token counts as one key) may make to `POST /v1/events`, in bursts of up to as many; above it the API answers 429 with `Retry-After`. `0`: no limit.',
  },
  {
    name: 'OPSFLOW_BULK_RERUN_RATE',
    group: 'api',
    default: '5',
    description:
      'Runs per second a bulk rerun job (`POST /v1/runs:rerun`) starts, per job, across all API processes (1 to 1000).',
  },
  {
    name: 'OPSFLOW_TEMPORAL_UI_URL',
    group: 'api',
    description:
      "Base URL of Temporal's Web UI, for the `temporalUiUrl` link of a run (`https://temporal.example.com`). Unset: the embedded dev server's UI (`http://localhost:$OPSFLOW_TEMPORAL_UI_PORT`), none with `TEMPORAL_ADDRESS`.",
  },
  {
    name: 'OPSFLOW_UNDECLARED_EVENTS',
    group: 'api',
    default: 'reject',
    description:
      '`reject`: `POST /v1/events` refuses an event whose type no deployed rule declares (422 `unknown-event-type`, with the closest declared type). `store`: stores it anyway, shown with `declared: false` in `GET /v1/events/{id}` (it triggers nothing).',
  },
  {
    name: 'OPSFLOW_LOG_LEVEL',
    group: 'api',
    default: 'info',
    description:
      "Level of the API's request log (one JSON line per request on stdout, no tokens or bodies): `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.",
  },
  {
    name: 'OPSFLOW_HTTP_ALLOW',
    group: 'actions',
    default: '',
    description:
      'Comma-separated outbound allowlist for actions: `api.shop.example`, `*.example.com`, `host:8443`, `*`. Empty: no outbound HTTP.',
  },
  {
    name: 'OPSFLOW_SECRETS_FILE',
    group: 'actions',
    description:
      'YAML file of `NAME: value` for `secret("NAME")`, re-read when it changes; `OPSFLOW_SECRET_NAME` variables win over it.',
  },
  {
    name: 'OPSFLOW_SLACK_WEBHOOK_URL',
    group: 'actions',
    description:
      'Slack-compatible incoming webhook for `notify.slack`. Unset: `notify.slack` fails as not configured.',
    secret: true,
  },
  {
    name: 'OPSFLOW_SMTP_URL',
    group: 'actions',
    description:
      'SMTP server for `notify.email`: `smtp://user:password@host:587` (STARTTLS) or `smtps://…:465`. Or use the `OPSFLOW_SMTP_HOST` group.',
    secret: true,
  },
  {
    name: 'OPSFLOW_SMTP_HOST',
    group: 'actions',
    description: 'SMTP host, when `OPSFLOW_SMTP_URL` is not used.',
  },
  {
    name: 'OPSFLOW_SMTP_PORT',
    group: 'actions',
    default: '587',
    description: 'SMTP port with `OPSFLOW_SMTP_HOST` (465 means TLS from the first byte).',
  },
  {
    name: 'OPSFLOW_SMTP_USER',
    group: 'actions',
    description: 'SMTP user with `OPSFLOW_SMTP_HOST`.',
  },
  {
    name: 'OPSFLOW_SMTP_PASSWORD',
    group: 'actions',
    description: 'SMTP password with `OPSFLOW_SMTP_HOST`.',
    secret: true,
  },
  {
    name: 'OPSFLOW_SMTP_FROM',
    group: 'actions',
    description: 'Sender of `notify.email` (`opsflow <ops@shop.example>`); required when SMTP is configured.',
  },
];

/** Variables read as a family rather than one by one (`OPSFLOW_SECRET_SHOP_TOKEN`). */
export const CONFIG_PREFIXES: readonly { readonly prefix: string; readonly description: string }[] = [
  { prefix: 'OPSFLOW_SECRET_', description: '`secret("NAME")` reads `OPSFLOW_SECRET_NAME` first.' },
];

/** The schema entry of a variable, if opsflow knows it. */
export function configVariable(name: string): ConfigVariable | undefined {
  return CONFIG_SCHEMA.find((v) => v.name === name);
}

/** Whether opsflow reads this variable (by name or by a prefix family). */
export function isKnownVariable(name: string): boolean {
  return configVariable(name) !== undefined || CONFIG_PREFIXES.some((p) => name.startsWith(p.prefix));
}

/** The schema as a Markdown table (`opsflow config --markdown`, and the source of the guide's table). */
export function renderConfigTable(): string {
  const lines = ['| variable | default | description |', '| --- | --- | --- |'];
  for (const v of CONFIG_SCHEMA) {
    const required = v.requiredInProduction ? ' **Required in production.**' : '';
    const fallback = v.default === undefined ? '—' : v.default === '' ? '(empty)' : `\`${v.default}\``;
    lines.push(`| \`${v.name}\` | ${fallback} | ${v.description}${required} |`);
  }
  return lines.join('\n') + '\n';
}
