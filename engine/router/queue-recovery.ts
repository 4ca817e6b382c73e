/**
 * `concurrency queue` after a crash: an earlier attempt wrote 'starting', then may have put the
 * event into the key's run (signal-with-start) before the process died. That run may since have
 * worked through its queue and ended, so Temporal would happily start a new run for the event: a
 * second execution. Before enqueueing again, routing looks through the key's runs that were
 * running at or after the attempt for the event, as their start input or an enqueue signal.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { enqueueSignal, type RunInput, type RunTrigger } from '../../workflows/contract';

/** Where an earlier attempt put the event: the run it started, or the run it was queued into. */
export interface QueuedRun {
  readonly runId: string;
  readonly started: boolean;
}

/** Runs of one key looked through at most (newest first): a queue's chain since the attempt. */
const MAX_RUNS = 200;
/** Clock difference tolerated between the database (the attempt's time) and Temporal. */
const CLOCK_SLACK_MS = 60_000;

type Payload = Parameters<typeof defaultPayloadConverter.fromPayload>[0];

function decode<T>(payload: Payload | null | undefined): T | undefined {
  try {
    return payload ? defaultPayloadConverter.fromPayload<T>(payload) : undefined;
  } catch {
    return undefined;
  }
}

const eventIdOf = (trigger: RunTrigger | undefined): string | undefined =>
  trigger?.kind === 'event' ? trigger.event.id : undefined;

/** Finds the run of `workflowId` that took `eventId` since `since`, if any. */
export async function findQueuedRun(
  client: Client,
  workflowId: string,
  eventId: string,
  since: Date,
): Promise<QueuedRun | undefined> {
  const after = since.getTime() - CLOCK_SLACK_MS;
  let seen = 0;
  // A run continued as new with the event as its trigger took it from the queue: the enqueue
  // signal (in an older run) is the answer routing gave first, so it is preferred.
  let continued: QueuedRun | undefined;
  const query = `WorkflowId = ${JSON.stringify(workflowId)}`;
  for await (const info of client.workflow.list({ query })) {
    if (++seen > MAX_RUNS) break;
    if (info.closeTime && info.closeTime.getTime() < after) continue;
    const history = await client.workflow.getHandle(workflowId, info.runId).fetchHistory();
    for (const event of history.events ?? []) {
      const start = event.workflowExecutionStartedEventAttributes;
      if (start && eventIdOf(decode<RunInput>(start.input?.payloads?.[0])?.trigger) === eventId) {
        if (!start.continuedExecutionRunId) return { runId: info.runId, started: true };
        continued ??= { runId: info.runId, started: false };
      }
      const signal = event.workflowExecutionSignaledEventAttributes;
      if (
        signal?.signalName === enqueueSignal.name &&
        eventIdOf(decode<RunTrigger>(signal.input?.payloads?.[0])) === eventId
      )
        return { runId: info.runId, started: false };
    }
  }
  return continued;
}
