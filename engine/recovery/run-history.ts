/**
 * What recovery reads from a run's Temporal history: its input (the first event), and where a
 * failed run failed (the first action that failed, for a reset to just before it).
 */
import type { Client } from '@temporalio/client';
import type { Payload, PayloadConverter } from '@temporalio/common';
import { RUN_FAILED_EVENT } from '../../dsl/runtime';
import type { temporal } from '@temporalio/proto';
import type { EngineActivities, RunInput } from '../../workflows/contract';

/** One run of a workflow id. */
export interface Execution {
  readonly workflowId: string;
  readonly runId: string;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
/** An event id as the protocol carries it (a 64-bit `Long`). */
type EventId = NonNullable<temporal.api.history.v1.IHistoryEvent['eventId']>;

/** The run's input, from the first event of its history; undefined when it has none. */
export async function runInputOf(client: Client, execution: Execution): Promise<RunInput | undefined> {
  const history = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution,
    maximumPageSize: 1,
  });
  const payload = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return payload
    ? client.options.loadedDataConverter.payloadConverter.fromPayload<RunInput>(payload)
    : undefined;
}

/** The first activity that failed (or timed out) in a run, and the workflow task that scheduled it. */
export interface FailedActivity {
  /** `runAction` for actions, `emit`, or an engine activity (`subscribe`). */
  readonly activityType: string;
  /** The id of the `WorkflowTaskCompleted` event whose commands scheduled it: the reset point. */
  readonly resetEventId: EventId;
  /** When it was scheduled. */
  readonly scheduledAt: string | null;
}

/** Where a failed run failed, and the `wait for`s going on then. */
export interface FailurePoint {
  readonly failed: FailedActivity;
  /**
   * Subscriptions made before the reset point and dropped after it (a `wait for` in a `parallel`
   * branch still waiting when another branch failed): a reset run waits there again and needs them.
   */
  readonly openWaits: readonly SubscribeInput[];
}

/** What `subscribe` was given. */
export type SubscribeInput = Parameters<EngineActivities['subscribe']>[0];

/**
 * Reads the whole history: the first failed activity, or undefined when none failed (the run
 * failed in the rule itself: `fail`, an expression error, its timeout), and the waits going on.
 */
export async function failurePoint(client: Client, execution: Execution): Promise<FailurePoint | undefined> {
  const converter = client.options.loadedDataConverter.payloadConverter;
  const scheduled = new Map<number, Scheduled>();
  const subscribed: { at: number; input: SubscribeInput }[] = [];
  const unsubscribed: { at: number; key: string }[] = [];
  let failed: FailedActivity | undefined;
  let token: Uint8Array | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution,
      ...(token ? { nextPageToken: token } : {}),
    });
    for (const event of page.history?.events ?? []) {
      failed ??= failedActivity(event, scheduled, (payload) => isRunFailedEmit(converter, payload));
      const attrs = event.activityTaskScheduledEventAttributes;
      const payload = attrs?.input?.payloads?.[0];
      if (!attrs || !payload) continue;
      const at = Number(event.eventId);
      if (attrs.activityType?.name === 'subscribe') {
        subscribed.push({ at, input: converter.fromPayload<SubscribeInput>(payload) });
      } else if (attrs.activityType?.name === 'unsubscribe') {
        unsubscribed.push({ at, key: waitKey(converter.fromPayload<SubscribeInput>(payload)) });
      }
    }
    token = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
  } while (token);
  if (!failed) return undefined;
  const reset = Number(failed.resetEventId);
  const droppedAfter = new Set(unsubscribed.filter((u) => u.at > reset).map((u) => u.key));
  const openWaits = subscribed
    .filter((s) => s.at < reset && droppedAfter.has(waitKey(s.input)))
    .map((s) => s.input);
  return { failed, openWaits };
}

/** Which wait a (un)subscribe is about: its event type and correlation. */
function waitKey(input: { readonly event: string; readonly correlation?: unknown }): string {
  return JSON.stringify([input.event, input.correlation ?? null]);
}
/** Is this `emit` input the failed-run event the interpreter stores when a run fails? */
function isRunFailedEmit(converter: PayloadConverter, payload: Payload): boolean {
  try {
    return converter.fromPayload<{ type?: unknown }>(payload)?.type === RUN_FAILED_EVENT.name;
  } catch {
    return false;
  }
}

interface Scheduled {
  readonly type: string;
  readonly completedTask: EventId;
  readonly at: string | null;
}

function failedActivity(
  event: HistoryEvent,
  scheduled: Map<number, Scheduled>,
  bookkeeping: (payload: Payload) => boolean,
): FailedActivity | undefined {
  const attrs = event.activityTaskScheduledEventAttributes;
  if (attrs?.workflowTaskCompletedEventId) {
    // The failed-run event is stored after the run failed: its own failure is not where it failed.
    const payload = attrs.input?.payloads?.[0];
    if (attrs.activityType?.name === 'emit' && payload && bookkeeping(payload)) return undefined;
    scheduled.set(Number(event.eventId), {
      type: attrs.activityType?.name ?? '',
      completedTask: attrs.workflowTaskCompletedEventId,
      at: eventTime(event),
    });
    return undefined;
  }
  const scheduledEventId =
    event.activityTaskFailedEventAttributes?.scheduledEventId ??
    event.activityTaskTimedOutEventAttributes?.scheduledEventId;
  if (scheduledEventId === undefined || scheduledEventId === null) return undefined;
  const activity = scheduled.get(Number(scheduledEventId));
  if (!activity) return undefined;
  return { activityType: activity.type, resetEventId: activity.completedTask, scheduledAt: activity.at };
}

function eventTime(event: HistoryEvent): string | null {
  const t = event.eventTime;
  if (!t) return null;
  return new Date(Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}
