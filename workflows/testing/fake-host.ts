/**
 * Fake activities for interpreter tests: the same types as the real ones (`OpsflowActivities` and
 * the host's `EngineActivities`), recording every call. A call that takes several attempts is
 * recorded once (by idempotency key) with its attempt count, the way rule tests list calls.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { EmitInput, OpsflowActivities, RunActionInput, WindowActivities } from '../../activities/index';
import { createReadWindows, type ReadWindowsInput, type WindowQuery } from '../../activities/index';
import { isPlainObject, type TypedWindowEvent } from '../../dsl/runtime';
import type { ApprovalClosed, ApprovalOpened, EngineActivities } from '../contract';

/** What a mocked action does on one attempt: return a result or throw. */
export type ActionMock = (input: RunActionInput, attempt: number) => unknown;

/** One action call as the run started it. */
export interface RecordedCall {
  readonly action: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly idempotencyKey: string;
  attempts: number;
}

/** What `subscribe` receives. */
export type SubscribeInput = Parameters<EngineActivities['subscribe']>[0];
/** What `unsubscribe` receives. */
export type UnsubscribeInput = Parameters<EngineActivities['unsubscribe']>[0];

/** A report to the approvals inbox, in the order the run made them. */
export type InboxReport =
  ({ readonly kind: 'opened' } & ApprovalOpened) | ({ readonly kind: 'closed' } & ApprovalClosed);

/** An action that fails for good, like `{ fail: "msg" }` in a rule test. */
export function failsForGood(message: string, type = 'ActionRejected'): ActionMock {
  return () => {
    throw ApplicationFailure.nonRetryable(message, type);
  };
}

/** An action that fails `times` times (retryably), then returns `result`. */
export function failsThenReturns(times: number, result: unknown): ActionMock {
  return (_input, attempt) => {
    if (attempt <= times)
      throw ApplicationFailure.retryable(`unavailable (attempt ${attempt})`, 'ActionUnavailable');
    return result;
  };
}

/** Records the calls of one test and answers them from its mocks. */
export class FakeHost {
  calls: RecordedCall[] = [];
  emits: EmitInput[] = [];
  subscriptions: SubscribeInput[] = [];
  unsubscriptions: UnsubscribeInput[] = [];
  inbox: InboxReport[] = [];
  /** Results by action name: a value, or an `ActionMock`. Unmocked actions return `{}`. */
  mocks: Record<string, unknown> = {};
  /** v2: the event log windows read (`readWindows`), and what was asked of it. */
  log: TypedWindowEvent[] = [];
  windowReads: ReadWindowsInput[] = [];
  /** Called on every `subscribe` (e.g. to deliver stored events, as the engine does). */
  onSubscribe: (input: SubscribeInput) => Promise<void> = async () => undefined;

  /** Forgets every call and mock, for the next test. */
  reset(mocks: Record<string, unknown> = {}): void {
    this.calls = [];
    this.emits = [];
    this.subscriptions = [];
    this.unsubscriptions = [];
    this.inbox = [];
    this.log = [];
    this.windowReads = [];
    this.mocks = mocks;
    this.onSubscribe = async () => undefined;
  }

  /** The log's events a window query asks for, as the engine's query would answer it. */
  readLog(q: WindowQuery): TypedWindowEvent[] {
    return this.log
      .filter((e) => e.type === q.event && e.time > q.fromMs && e.time <= q.toMs)
      .filter((e) => q.equals.every((c) => isPlainObject(e.data) && e.data[c.field] === c.value))
      .sort((a, b) => a.time - b.time)
      .slice(0, q.limit);
  }

  /** The actions called, in the order the run started them. */
  actions(): string[] {
    return this.calls.map((c) => c.action);
  }

  /** The activities to register on the worker; they read the host's current mocks. */
  activities(): OpsflowActivities & WindowActivities & EngineActivities {
    const readWindows = createReadWindows(async (q) => this.readLog(q));
    return {
      readWindows: async (input) => {
        this.windowReads.push(input);
        return readWindows(input);
      },
      runAction: async (input) => {
        const attempt = Context.current().info.attempt;
        let call = this.calls.find((c) => c.idempotencyKey === input.idempotencyKey);
        if (!call) {
          call = {
            action: input.action,
            args: input.args,
            idempotencyKey: input.idempotencyKey,
            attempts: 0,
          };
          this.calls.push(call);
        }
        call.attempts = attempt;
        const mock = Object.hasOwn(this.mocks, input.action) ? this.mocks[input.action] : {};
        const result = typeof mock === 'function' ? await (mock as ActionMock)(input, attempt) : mock;
        return { result };
      },
      emit: async (input) => {
        this.emits.push(input);
        return { eventId: `emitted-${this.emits.length}` };
      },
      subscribe: async (input) => {
        this.subscriptions.push(input);
        await this.onSubscribe(input);
      },
      unsubscribe: async (input) => {
        this.unsubscriptions.push(input);
      },
      approvalOpened: async (input) => {
        this.inbox.push({ kind: 'opened', ...input });
      },
      approvalClosed: async (input) => {
        this.inbox.push({ kind: 'closed', ...input });
      },
    };
  }
}
