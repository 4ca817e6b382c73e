import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type {
  EmitInput,
  EmitOutput,
  OpsflowActivities,
  RunActionInput,
  RunActionOutput,
  WindowActivities,
  WindowQuery,
} from '../../activities';
import { createReadWindows } from '../../activities';
import { FailureTypes } from '../../activities/errors';
import type { MockBehaviour } from '../../dsl';
import { isPlainObject, type TypedWindowEvent } from '../../dsl/runtime';
import type { EngineActivities } from '../../workflows/contract';

/** One action call a run started (listed once however many attempts it took). */
export interface StartedCall {
  readonly action: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** Temporal's activity id: a sequence number in the order the workflow scheduled the calls. */
  readonly order: number;
  /** When the host first saw it, across every run of a test (several triggers: several runs). */
  readonly seq: number;
  outcome: 'ok' | 'failed';
  attempts: number;
}

interface RunRecord {
  readonly mocks: ReadonlyMap<string, MockBehaviour>;
  readonly calls: Map<string, StartedCall>;
  readonly emits: EmitInput[];
  /** v2: the test's event log (history, triggers, timeline), which windows in `do` read. */
  readonly log: readonly TypedWindowEvent[];
}

/**
 * The activities of `opsflow test`: actions answer from the test's `mocks` (default `{}`; a
 * `{ fail }` mock fails for good), and every call is recorded per run. One worker serves every
 * test of an invocation, so records are kept by workflow id. Subscriptions are no-ops: the test
 * runner delivers timeline events straight to the run.
 */
export class RuleTestHost {
  private readonly runs = new Map<string, RunRecord>();
  private sequence = 0;

  register(
    workflowId: string,
    mocks: ReadonlyMap<string, MockBehaviour>,
    log: readonly TypedWindowEvent[] = [],
  ): void {
    this.runs.set(workflowId, { mocks, calls: new Map(), emits: [], log });
  }

  /** The calls of a run in the order the run started them. */
  calls(workflowId: string): StartedCall[] {
    const record = this.runs.get(workflowId);
    return record ? [...record.calls.values()].sort((a, b) => a.order - b.order) : [];
  }

  emits(workflowId: string): EmitInput[] {
    return this.runs.get(workflowId)?.emits ?? [];
  }

  activities(): OpsflowActivities & WindowActivities & EngineActivities {
    return {
      readWindows: async (input) => {
        const record = this.runs.get(Context.current().info.workflowExecution?.workflowId ?? '');
        return createReadWindows(async (q) => readLog(record?.log ?? [], q))(input);
      },
      runAction: (input) => this.runAction(input),
      emit: async (input): Promise<EmitOutput> => {
        const record = this.runs.get(Context.current().info.workflowExecution?.workflowId ?? '');
        record?.emits.push(input);
        return { eventId: `emitted-${input.idempotencyKey}` };
      },
      subscribe: async () => undefined,
      unsubscribe: async () => undefined,
      // Rule tests decide approvals from their timeline; there is no inbox to keep.
      approvalOpened: async () => undefined,
      approvalClosed: async () => undefined,
    };
  }

  private async runAction(input: RunActionInput): Promise<RunActionOutput> {
    const info = Context.current().info;
    const record = this.runs.get(info.workflowExecution?.workflowId ?? '');
    if (!record)
      throw ApplicationFailure.nonRetryable('no test registered this run', FailureTypes.NotConfigured);
    let call = record.calls.get(input.idempotencyKey);
    if (!call) {
      // Activity ids are the workflow's scheduling sequence numbers; fall back to arrival order.
      const scheduled = Number(info.activityId);
      const order = Number.isFinite(scheduled) ? scheduled : 1e9 + this.sequence;
      call = {
        action: input.action,
        args: input.args,
        order,
        seq: ++this.sequence,
        outcome: 'ok',
        attempts: 0,
      };
      record.calls.set(input.idempotencyKey, call);
    }
    call.attempts += 1;
    const mock = record.mocks.get(input.action);
    if (mock && 'fail' in mock) {
      call.outcome = 'failed';
      throw ApplicationFailure.nonRetryable(mock.fail, FailureTypes.ActionRejected);
    }
    return { result: mock ? mock.result : {} };
  }
}

/** The events of a window query from a test's log, as the engine's query answers it. */
function readLog(log: readonly TypedWindowEvent[], q: WindowQuery): TypedWindowEvent[] {
  return log
    .filter((e) => e.type === q.event && e.time > q.fromMs && e.time <= q.toMs)
    .filter((e) => q.equals.every((c) => isPlainObject(e.data) && e.data[c.field] === c.value))
    .sort((a, b) => a.time - b.time)
    .slice(0, q.limit);
}
