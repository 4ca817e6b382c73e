/**
 * Interpreter tests on Temporal's time-skipping test server: one server (one JVM) and one worker
 * per test file, the real interpreter bundle, and a `FakeHost` for the activities. Tests in a file
 * run one after the other and reset the host between them.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { compileRuleSet, renderDiagnostics, type RuleIR } from '../../dsl';
import { quietTemporalRuntime } from '../../engine/temporal/testing/quiet-runtime';
import { createTimeSkippingEnv } from '../../engine/temporal/time-skipping';
import type { RunEvent, RunInput, RunState } from '../contract';
import { INTERPRETER_WORKFLOW_TYPE, stateQuery } from '../contract';
import type { interpretRule } from '../interpreter';
import { FakeHost } from './fake-host';

/** A started interpreter run. */
export type RunHandle = WorkflowHandleWithFirstExecutionRunId<typeof interpretRule>;

/** A test server, a worker on it, and the fake host its activities use. */
export interface Harness {
  readonly env: TestWorkflowEnvironment;
  readonly host: FakeHost;
  readonly taskQueue: string;
  /** Starts a run of the interpreter with a fresh workflow id (or the one given). */
  start(input: RunInput, workflowId?: string): Promise<RunHandle>;
  close(): Promise<void>;
}

let counter = 0;

/** Starts the test server and a worker on `taskQueue` running the real interpreter bundle. */
export async function createHarness(taskQueue: string): Promise<Harness> {
  quietTemporalRuntime('ERROR');
  const env = await createTimeSkippingEnv();
  const host = new FakeHost();
  let worker: Worker;
  try {
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../index'),
      activities: host.activities(),
    });
  } catch (err) {
    await env.teardown();
    throw err;
  }
  const running = worker.run();
  return {
    env,
    host,
    taskQueue,
    start: (input, workflowId) =>
      env.client.workflow.start<typeof interpretRule>(INTERPRETER_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: workflowId ?? `${taskQueue}-${++counter}`,
        args: [input],
      }),
    close: async () => {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

/** Compiles rule source text (DSL or YAML by file name) and returns the rules by name. */
export function compileRules(content: string, path = 'rules/test.rule'): Record<string, RuleIR> {
  const compiled = compileRuleSet([{ path, content }]);
  if (compiled.rules.length === 0) {
    const sources = new Map([[path, content]]);
    throw new Error(`rules do not compile:\n${renderDiagnostics(compiled.diagnostics, sources)}`);
  }
  return Object.fromEntries(compiled.rules.map((r) => [r.name, r]));
}

let eventCounter = 0;

/** An event as the engine delivers it. */
export function runEvent(type: string, data: Record<string, unknown>, id?: string): RunEvent {
  return { id: id ?? `evt-${++eventCounter}`, type, time: new Date().toISOString(), data };
}

/** The input of a run started by an event. */
export function eventRun(rule: RuleIR, event: RunEvent, extra: Partial<RunInput> = {}): RunInput {
  return { rule, trigger: { kind: 'event', event }, ...extra };
}

/** The input of a run started by hand. */
export function manualRun(
  rule: RuleIR,
  input: Record<string, unknown>,
  extra: Partial<RunInput> = {},
): RunInput {
  return { rule, trigger: { kind: 'manual', input }, ...extra };
}

/** The failure a run ended with (the `ApplicationFailure` under Temporal's `WorkflowFailedError`). */
export async function failureOf(
  handle: RunHandle,
): Promise<{ type?: string | null; message: string; details?: unknown[] | null }> {
  try {
    await handle.result();
  } catch (err) {
    const cause = (err as { cause?: { type?: string | null; message: string; details?: unknown[] | null } })
      .cause;
    if (cause) return cause;
    throw err;
  }
  throw new Error('expected the run to fail');
}

/** Polls the run's state until `ready` holds (the run reached a wait, say). */
export async function stateWhen(handle: RunHandle, ready: (state: RunState) => boolean): Promise<RunState> {
  for (let i = 0; i < 200; i++) {
    const state = await handle.query(stateQuery);
    if (ready(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the run never reached the expected state');
}
