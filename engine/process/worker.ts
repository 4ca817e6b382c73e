import { ApplicationFailure } from '@temporalio/common';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { chainSecrets, createActivities, envSecrets, fileSecrets, FailureTypes } from '../../activities';
import type { ConnectorDecl } from '../../dsl';
import type { EngineActivities } from '../../workflows/contract';
import type { Config } from '../config';
import type { EmitEvent } from '../../activities/contract';
import type { ReadWindow } from '../../activities';
import { cacheSizing, workerMemory, type CacheSizing, type WorkerMemory } from './worker-memory';

export interface OpsflowWorkerOptions {
  readonly config: Config;
  readonly connection: NativeConnection;
  readonly connectors: readonly ConnectorDecl[];
  /** From the engine core; without it a `wait for` fails the run as not configured. */
  readonly engineActivities?: EngineActivities;
  readonly emitEvent?: EmitEvent;
  /** v2: the event log for windows in `do`; without it such a window fails the run as not configured. */
  readonly readWindow?: ReadWindow;
  /** Told how the workflow cache was sized (the boot log prints it). */
  readonly onSized?: (memory: WorkerMemory, sizing: CacheSizing) => void;
}

/** How long in-flight actions may finish after shutdown begins before they are cancelled. */
const SHUTDOWN_GRACE = '10s';

/**
 * The worker of the interpreter workflow: one workflow type for every rule, the action
 * activities built from the configuration, and the engine's subscription activities.
 */
export function createOpsflowWorker(options: OpsflowWorkerOptions): Promise<Worker> {
  const { config } = options;
  const secrets = config.secretsFile
    ? chainSecrets(envSecrets(config.env), fileSecrets(config.secretsFile))
    : envSecrets(config.env);
  const activities = createActivities({
    httpAllow: config.httpAllow,
    secrets,
    config: config.env,
    connectors: options.connectors,
    ...(config.slack ? { slack: config.slack } : {}),
    ...(config.smtp ? { smtp: config.smtp } : {}),
    ...(options.emitEvent ? { emitEvent: options.emitEvent } : {}),
    ...(options.readWindow ? { readWindow: options.readWindow } : {}),
  });
  const memory = workerMemory(config.workerMemoryMb);
  const sizing = cacheSizing(memory.megabytes);
  options.onSized?.(memory, sizing);
  return Worker.create({
    ...sizing,
    connection: options.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: { ...activities, ...(options.engineActivities ?? withoutSubscriptions()) },
    shutdownGraceTime: SHUTDOWN_GRACE,
  });
}

/**
 * Stand-ins until the engine core provides subscriptions: a run reaching `wait for` fails with a
 * clear, non-retryable error instead of retrying an unregistered activity forever.
 */
function withoutSubscriptions(): EngineActivities {
  const missing = (): Promise<never> =>
    Promise.reject(
      ApplicationFailure.nonRetryable(
        'wait for: this opsflow process hosts no event router, so runs cannot subscribe to events',
        FailureTypes.NotConfigured,
      ),
    );
  return {
    subscribe: missing,
    unsubscribe: () => Promise.resolve(),
    // Without the engine there is no approvals inbox: the approval itself works all the same.
    approvalOpened: () => Promise.resolve(),
    approvalClosed: () => Promise.resolve(),
  };
}
