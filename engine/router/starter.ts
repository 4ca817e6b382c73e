/**
 * Starting or signalling the run of one trigger according to the rule's concurrency mode, on
 * Temporal's id conflict policies; and finding the run an earlier attempt started (by the event
 * id in the run's memo), so routing again after a crash starts nothing twice.
 */
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import {
  enqueueSignal,
  INTERPRETER_WORKFLOW_TYPE,
  type RunInput,
  type RunTrigger,
} from '../../workflows/contract';
import type { ActiveRule } from '../registry/records';
import { findQueuedRun } from './queue-recovery';
import type { RouteOutcome, RouteRuleDeps } from './route-types';
import { startMemo, startSearchAttributes } from './run-attributes';
import { EVENT_ID_MEMO } from './workflow-ids';

/** Starts or signals the run of one (event, rule) according to the concurrency mode. */
export class Starter {
  constructor(
    private readonly deps: RouteRuleDeps,
    private readonly eventId: string,
    private readonly workflowId: string,
    private readonly input: RunInput,
  ) {}

  async run(mode: ActiveRule['ir']['concurrency']): Promise<Omit<RouteOutcome, 'rule'>> {
    switch (mode) {
      case 'parallel':
        return this.startParallel();
      case 'queue':
        return this.enqueue();
      case 'replace':
        return this.startOrReplace();
      default:
        return this.startSingle();
    }
  }

  /**
   * Our run if an earlier attempt (begun at `since`) started it (the memo carries the event id)
   * or, for `queue`, put the event into a run of the key, else undefined.
   */
  async findOwnRun(since?: Date): Promise<Omit<RouteOutcome, 'rule'> | undefined> {
    if (since && this.input.rule.concurrency === 'queue') {
      const queued = await findQueuedRun(this.deps.client, this.workflowId, this.eventId, since);
      if (queued) return { outcome: queued.started ? 'started' : 'queued', runId: queued.runId };
      return undefined;
    }
    try {
      const description = await this.deps.client.workflow.getHandle(this.workflowId).describe();
      if (description.memo?.[EVENT_ID_MEMO] === this.eventId)
        return { outcome: 'started', runId: description.runId };
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    return undefined;
  }

  private start(
    conflict: 'FAIL' | 'USE_EXISTING' | 'TERMINATE_EXISTING',
    reuse: 'ALLOW_DUPLICATE' | 'REJECT_DUPLICATE',
  ): Promise<WorkflowHandleWithFirstExecutionRunId> {
    return this.deps.client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
      taskQueue: this.deps.taskQueue,
      workflowId: this.workflowId,
      args: [this.input],
      memo: startMemo(this.input, { [EVENT_ID_MEMO]: this.eventId }),
      typedSearchAttributes: startSearchAttributes(this.input),
      workflowIdConflictPolicy: conflict,
      workflowIdReusePolicy: reuse,
    });
  }

  /** `parallel`: the id holds the event id, so a second start of the same event is refused by Temporal. */
  private async startParallel(): Promise<Omit<RouteOutcome, 'rule'>> {
    try {
      const handle = await this.start('USE_EXISTING', 'REJECT_DUPLICATE');
      return { outcome: 'started', runId: handle.firstExecutionRunId };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      return (await this.findOwnRun()) ?? { outcome: 'started' };
    }
  }

  /** `single`: a run already going on for the key keeps going; this trigger is dropped. */
  private async startSingle(): Promise<Omit<RouteOutcome, 'rule'>> {
    // The run in the way may end between the refused start and the describe: then start again.
    for (let attempt = 1; ; attempt++) {
      try {
        const handle = await this.start('FAIL', 'ALLOW_DUPLICATE');
        return { outcome: 'started', runId: handle.firstExecutionRunId };
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      const running = await this.deps.client.workflow.getHandle(this.workflowId).describe();
      if (running.memo?.[EVENT_ID_MEMO] === this.eventId) return { outcome: 'started', runId: running.runId };
      if (running.status.name === 'RUNNING' || attempt >= 3) {
        return {
          outcome: 'dropped',
          runId: running.runId,
          detail: `a run for this key is going on: ${running.runId}`,
        };
      }
    }
  }

  /** `replace`: cancel the run going on for the key (it compensates), then start this one. */
  private async startOrReplace(): Promise<Omit<RouteOutcome, 'rule'>> {
    try {
      const handle = await this.start('FAIL', 'ALLOW_DUPLICATE');
      return { outcome: 'started', runId: handle.firstExecutionRunId };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    const running = this.deps.client.workflow.getHandle(this.workflowId);
    const description = await running.describe();
    if (description.memo?.[EVENT_ID_MEMO] === this.eventId)
      return { outcome: 'started', runId: description.runId };
    const old = this.deps.client.workflow.getHandle(this.workflowId, description.runId);
    await old.cancel();
    // Let the old run finish its compensation; one that takes longer than the grace is terminated
    // by the start below (a run id holds one running execution at most).
    await Promise.race([old.result().catch(() => undefined), delay(this.deps.replaceGraceMs)]);
    const handle = await this.start('TERMINATE_EXISTING', 'ALLOW_DUPLICATE');
    return {
      outcome: 'replaced',
      runId: handle.firstExecutionRunId,
      detail: `replaced run ${description.runId}`,
    };
  }

  /** `queue`: signal-with-start; a run already going on for the key takes it after its current trigger. */
  private async enqueue(): Promise<Omit<RouteOutcome, 'rule'>> {
    const trigger: RunTrigger = this.input.trigger;
    const handle = await this.deps.client.workflow.signalWithStart(INTERPRETER_WORKFLOW_TYPE, {
      taskQueue: this.deps.taskQueue,
      workflowId: this.workflowId,
      args: [this.input],
      memo: startMemo(this.input, { [EVENT_ID_MEMO]: this.eventId }),
      typedSearchAttributes: startSearchAttributes(this.input),
      signal: enqueueSignal,
      signalArgs: [trigger],
    });
    const description = await this.deps.client.workflow
      .getHandle(this.workflowId, handle.signaledRunId)
      .describe();
    return description.memo?.[EVENT_ID_MEMO] === this.eventId
      ? { outcome: 'started', runId: handle.signaledRunId }
      : { outcome: 'queued', runId: handle.signaledRunId };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
