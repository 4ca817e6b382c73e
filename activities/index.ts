/**
 * The activities of the interpreter workflow. Only actions run as activities, and every action goes
 * through ONE generic activity, `runAction`, which dispatches by name to a built-in or a connector
 * action; `emit` stores an event through the engine. Keeping one activity type per kind of step
 * means a new connector needs no worker change and histories stay uniform.
 *
 * The returned object holds only activity functions: Temporal's worker registers every function of
 * it as an activity.
 */
import { asyncLocalStorage } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { ConnectorAction, ConnectorDecl } from '../dsl';
import { parseAllowlist } from './allowlist';
import { BUILTINS } from './builtins';
import type { CallContext } from './connector-action';
import { runConnectorAction } from './connector-action';
import { createMailer } from './email';
import {
  ActionError,
  FailureTypes,
  InvalidInputError,
  SecretNotAllowedError,
  toApplicationFailure,
} from './errors';
import type { HttpPolicy } from './http-client';
import { defaultResolve } from './http-client';
import { SecretScope, containsSecret } from './secrets';
import { createReadWindows, type ReadWindowsInput, type ReadWindowsOutput } from './windows';
import type {
  ActivityDeps,
  ActivityLogger,
  EmitInput,
  EmitOutput,
  RunActionInput,
  RunActionOutput,
} from './contract';

export type * from './contract';
export type { ReadWindow, ReadWindowsInput, ReadWindowsOutput, WindowQuery, WindowValue } from './windows';
export { MAX_WINDOW_EVENTS, createReadWindows } from './windows';
export type { SecretResolver } from './secrets';
export { chainSecrets, envSecrets, fileSecrets } from './secrets';
export { FailureTypes } from './errors';
export type { FailureType } from './errors';

/** Default response size cap: 1 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
/** Default per-request timeout (connect, idle and whole response). */
export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;

/** The activities, as the worker registers them and the workflow proxies them. */
export interface OpsflowActivities {
  runAction(input: RunActionInput): Promise<RunActionOutput>;
  emit(input: EmitInput): Promise<EmitOutput>;
}

/** v2: the activity reading windows in `do` (`activities/windows.ts`), registered beside them. */
export interface WindowActivities {
  readWindows(input: ReadWindowsInput): Promise<ReadWindowsOutput>;
}

/**
 * Builds the activities from the deployment's configuration. Throws (at worker start) for a
 * configuration that cannot work: a malformed allowlist entry, two connectors declaring one action.
 */
export function createActivities(deps: ActivityDeps): OpsflowActivities & WindowActivities {
  const policy: HttpPolicy = {
    allow: parseAllowlist(deps.httpAllow),
    maxResponseBytes: deps.http?.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    timeoutMs: deps.http?.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
    resolve: defaultResolve,
  };
  const actions = indexConnectors(deps.connectors);
  if (deps.slack) checkWebhookUrl(deps.slack.webhookUrl);
  const mailer = deps.smtp ? createMailer(deps.smtp) : undefined;
  const builtinDeps = {
    ...(deps.slack ? { slackWebhookUrl: deps.slack.webhookUrl } : {}),
    ...(mailer ? { mailer } : {}),
  };

  async function runAction(input: RunActionInput): Promise<RunActionOutput> {
    const scope = new SecretScope(deps.secrets);
    if (deps.smtp?.auth) scope.remember(deps.smtp.auth.pass);
    const started = Date.now();
    const action = typeof input?.action === 'string' ? input.action : '?';
    const logger = deps.logger ?? activityLogger();
    try {
      checkInput(input);
      const ctx: CallContext = {
        policy,
        scope,
        config: deps.config,
        idempotencyKey: input.idempotencyKey,
        ...signalOption(),
      };
      const builtin = BUILTINS.get(input.action);
      let result: unknown;
      if (builtin) result = await builtin(ctx, builtinDeps, input.args);
      else {
        const found = actions.get(input.action);
        if (!found) throw new ActionError(FailureTypes.UnknownAction, `no action named ${input.action}`);
        result = await runConnectorAction(ctx, found.connector, found.action, input.args);
      }
      logger.info('action completed', {
        action,
        rule: input.rule,
        runId: input.runId,
        ms: Date.now() - started,
      });
      return { result };
    } catch (err) {
      // Cancellation is Temporal's own failure: pass it through untouched so the run sees a cancel.
      if (err instanceof CancelledFailure) throw err;
      const failure = toApplicationFailure(err, (text) => scope.redact(text));
      logger.warn('action failed', {
        action,
        rule: input?.rule,
        runId: input?.runId,
        type: failure.type,
        retryable: !failure.nonRetryable,
        message: failure.message,
        ms: Date.now() - started,
      });
      throw failure;
    }
  }

  async function emit(input: EmitInput): Promise<EmitOutput> {
    try {
      if (!deps.emitEvent)
        throw new ActionError(FailureTypes.NotConfigured, 'emit: no event store is configured');
      if (!input || typeof input.type !== 'string' || !isRecord(input.data)) {
        throw new InvalidInputError('emit: expected { type, data, causalDepth, idempotencyKey }');
      }
      if (!Number.isSafeInteger(input.causalDepth) || input.causalDepth < 0) {
        throw new InvalidInputError('emit: causalDepth must be a whole number');
      }
      if (typeof input.idempotencyKey !== 'string' || input.idempotencyKey.length === 0) {
        throw new InvalidInputError('emit: an idempotency key is required');
      }
      // Events are stored and shown in run timelines: a secret must never become event data.
      if (containsSecret(input.data))
        throw new SecretNotAllowedError(`emit ${input.type}: event data cannot hold secrets`);
      return await deps.emitEvent({
        type: input.type,
        data: input.data,
        causalDepth: input.causalDepth,
        idempotencyKey: input.idempotencyKey,
        source: { rule: input.rule, runId: input.runId },
      });
    } catch (err) {
      throw toApplicationFailure(err, (text) => text);
    }
  }

  const windows = deps.readWindow ? createReadWindows(deps.readWindow) : undefined;
  async function readWindows(input: ReadWindowsInput): Promise<ReadWindowsOutput> {
    try {
      if (!windows) throw new ActionError(FailureTypes.NotConfigured, 'windows: no event log is configured');
      if (!input || !Array.isArray(input.items) || typeof input.now !== 'number') {
        throw new InvalidInputError('readWindows: expected { now, items }');
      }
      return await windows(input);
    } catch (err) {
      throw toApplicationFailure(err, (text) => text);
    }
  }

  return { runAction, emit, readWindows };
}

function indexConnectors(
  connectors: readonly ConnectorDecl[],
): Map<string, { connector: ConnectorDecl; action: ConnectorAction }> {
  const out = new Map<string, { connector: ConnectorDecl; action: ConnectorAction }>();
  for (const connector of connectors) {
    for (const action of connector.actions) {
      if (BUILTINS.has(action.name) || out.has(action.name)) {
        throw new Error(`action ${action.name} is declared twice (connector ${connector.connector})`);
      }
      out.set(action.name, { connector, action });
    }
  }
  return out;
}

/** Fails at worker start rather than at the first notification; the message never shows the URL. */
function checkWebhookUrl(url: string): void {
  const protocol = URL.canParse(url) ? new URL(url).protocol : '';
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new Error('slack.webhookUrl must be an http(s) URL');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkInput(input: RunActionInput): void {
  if (!isRecord(input) || typeof input.action !== 'string' || !isRecord(input.args)) {
    throw new InvalidInputError('runAction: expected { action, args, idempotencyKey, rule, runId }');
  }
  if (
    typeof input.idempotencyKey !== 'string' ||
    input.idempotencyKey.length === 0 ||
    input.idempotencyKey.length > 255
  ) {
    throw new InvalidInputError('runAction: an idempotency key (1–255 characters) is required');
  }
  if (/[\r\n\0]/.test(input.idempotencyKey))
    throw new InvalidInputError('runAction: the idempotency key must be one line');
}

/** The activity's cancellation signal when running inside Temporal (tests may call activities directly). */
function signalOption(): { signal?: AbortSignal } {
  const context = asyncLocalStorage.getStore();
  return context ? { signal: context.cancellationSignal } : {};
}

const SILENT: ActivityLogger = { info: () => undefined, warn: () => undefined };

function activityLogger(): ActivityLogger {
  const context = asyncLocalStorage.getStore();
  if (!context) return SILENT;
  return {
    info: (message, attrs) => context.log.info(message, attrs ? { ...attrs } : undefined),
    warn: (message, attrs) => context.log.warn(message, attrs ? { ...attrs } : undefined),
  };
}
