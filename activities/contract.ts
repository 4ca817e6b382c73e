/**
 * The contract between the interpreter workflow, the engine and the activities: what
 * `createActivities` needs (`ActivityDeps`), and what each activity takes and returns. The workflow
 * imports only these types (`import type`), never the implementation.
 */
import type { ConnectorDecl } from '../dsl';
import type { SecretResolver } from './secrets';
import type { ReadWindow } from './windows';

/** Input of the `runAction` activity: one action call of a run. */
export interface RunActionInput {
  /** Qualified action name: `http.request`, `notify.slack`, `purchasing.create_order`. */
  readonly action: string;
  /** Named arguments, evaluated by the workflow; secrets are still `{ $secret }` markers. */
  readonly args: Readonly<Record<string, unknown>>;
  /** Stable across retries of this call and across replays: sent as `Idempotency-Key`, used for Message-ID. */
  readonly idempotencyKey: string;
  /** Rule name and workflow run id, for logs. */
  readonly rule: string;
  readonly runId: string;
}

/** Output of `runAction`: the action's result, JSON, already stripped of any secret value. */
export interface RunActionOutput {
  readonly result: unknown;
}

/** Input of the `emit` activity (`emit TYPE { ... }` in a rule). */
export interface EmitInput {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** 1 + the causal depth of the event that started the emitting run; the engine bounds it. */
  readonly causalDepth: number;
  /** Stable for this `emit` step of this run: storing the same key twice stores one event. */
  readonly idempotencyKey: string;
  readonly rule: string;
  readonly runId: string;
}

/** Output of `emit`: the id of the stored event (the same id when the key was seen before). */
export interface EmitOutput {
  readonly eventId: string;
}

/** What the engine's event store is given for an `emit`. */
export interface EmittedEvent {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly causalDepth: number;
  readonly idempotencyKey: string;
  /** The run that emitted it. */
  readonly source: { readonly rule: string; readonly runId: string };
}

/** Stores an emitted event (idempotently by `idempotencyKey`); provided by the engine. */
export type EmitEvent = (event: EmittedEvent) => Promise<EmitOutput>;

/** SMTP settings for `notify.email`. */
export interface SmtpConfig {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
  readonly secure?: boolean;
  /** Refuse to send unless STARTTLS succeeds. */
  readonly requireTLS?: boolean;
  readonly auth?: { readonly user: string; readonly pass: string };
  /** The sender, e.g. `opsflow <ops@shop.example>`. */
  readonly from: string;
  /** Right-hand side of generated Message-IDs; defaults to the sender's domain. */
  readonly messageIdDomain?: string;
  /** Connection, greeting and socket timeout in ms (default 30 s). */
  readonly timeoutMs?: number;
}

/** Minimal structured logger; messages and attributes never contain argument values or secrets. */
export interface ActivityLogger {
  info(message: string, attrs?: Readonly<Record<string, unknown>>): void;
  warn(message: string, attrs?: Readonly<Record<string, unknown>>): void;
}

/** Everything the activities need from the deployment. Tests pass real values of the same type. */
export interface ActivityDeps {
  /** Outbound HTTP allowlist: `api.shop.example`, `*.example.com`, `*`, `127.0.0.1:8081`, `localhost`. */
  readonly httpAllow: readonly string[];
  /** Where `secret("NAME")` values come from (see `envSecrets`, `fileSecrets`, `chainSecrets`). */
  readonly secrets: SecretResolver;
  /** Configuration by name (usually `process.env`): connectors' `base_url: { config: NAME }`. */
  readonly config: Readonly<Record<string, string | undefined>>;
  /** The loaded connectors; their actions are callable as `CONNECTOR.ACTION`. */
  readonly connectors: readonly ConnectorDecl[];
  /** Slack-compatible incoming webhook for `notify.slack`; the URL is treated as a secret. */
  readonly slack?: { readonly webhookUrl: string };
  readonly smtp?: SmtpConfig;
  readonly emitEvent?: EmitEvent;
  /** v2: reads the event log for windows in `do` (`readWindows`); provided by the engine. */
  readonly readWindow?: ReadWindow;
  /** Response size cap (default 1 MiB) and per-request timeout (default 30 s). */
  readonly http?: { readonly maxResponseBytes?: number; readonly timeoutMs?: number };
  /** Defaults to Temporal's activity logger inside an activity, silence outside. */
  readonly logger?: ActivityLogger;
}
