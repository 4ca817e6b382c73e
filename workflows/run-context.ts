/**
 * Everything one execution of the interpreter shares between its steps and its signal, update and
 * query handlers: the rule, the timeline, buffered events, open approvals, queued triggers, the
 * per-step occurrence counters behind idempotency keys, and what the run is doing right now.
 */
import { workflowInfo } from '@temporalio/workflow';
import {
  containsSecretMarker,
  type EvalContext,
  evaluate,
  type ExprIR,
  type RuleIR,
  type Span,
  type StepIR,
  type Value,
} from '../dsl/runtime';
import { ApprovalDesk } from './approvals';
import type { RunError, RunEvent, RunInput, RunState, RunTrigger, Waiting } from './contract';
import { sourceRef } from './contract';
import { EventBuffer, checkEvent } from './event-buffer';
import type { ResumeState } from './resume';
import type { Frame, FrameRegistry } from './scope';
import { Timeline } from './timeline';
import { isoAt, readTime } from './values';

/** Triggers a queue holds; more are refused (and noted in the timeline). */
export const QUEUE_LIMIT = 1000;
/** Trigger event ids remembered for deduplicating the queue. */
export const HANDLED_TRIGGERS_LIMIT = 1000;
/** Longest workflow id used verbatim in idempotency keys (activities accept keys up to 255). */
const KEY_WORKFLOW_ID_LIMIT = 150;

/** One execution's shared state; see the file comment. */
export class RunContext {
  readonly rule: RuleIR;
  readonly timeline: Timeline;
  readonly events: EventBuffer;
  readonly approvals = new ApprovalDesk();
  readonly queue: RunTrigger[];
  readonly handledTriggers: string[];
  /** When the logical run started (ms since the epoch): the rule `timeout` counts from here. */
  readonly runStartedAt: number;
  /** Causal depth of the trigger; `emit` adds one. */
  readonly causalDepth: number;
  readonly evalCtx: EvalContext = { now: () => Date.now() };
  status: RunState['status'] = 'running';
  error?: RunError;
  /** Steps completed in this execution; a fresh execution does not suspend before making progress. */
  stepsCompleted = 0;
  /** v2 `cancel on`: the event that cancelled the run; no action starts once it is set. */
  cancelledBy?: RunEvent;
  /** v2 `cancel on`: the subscription it holds (`subscriptionKey`), which waits leave in place. */
  cancelSubscription?: string;
  /** Cancels `do` from inside (v2 `cancel on`, when Temporal would not take the request). */
  cancelDo?: () => void;
  /** v2 `cancel on`: told of every event accepted by the buffer. */
  onDelivered?: (event: RunEvent) => void;

  private readonly occurrences = new Map<number, number>();
  private readonly liveFrames = new Set<Frame>();
  private readonly active = new Map<number, { readonly kind: string; readonly span: Span }>();
  private readonly waits = new Map<number, Waiting>();
  private nextToken = 1;

  constructor(
    readonly input: RunInput,
    resume: ResumeState | undefined,
  ) {
    this.rule = input.rule;
    const resuming = resume?.position !== undefined;
    this.timeline = new Timeline(resuming ? resume.timeline : undefined);
    this.events = new EventBuffer(resuming ? resume.events : undefined);
    this.queue = [...(resume?.queue ?? [])];
    this.handledTriggers = [...(resume?.handledTriggers ?? [])];
    for (const [id, n] of Object.entries(resume?.occurrences ?? {})) this.occurrences.set(Number(id), n);
    this.runStartedAt = resuming ? resume.runStartedAt : workflowInfo().runStartTime.getTime();
    const trigger = input.trigger;
    // `event` may be missing in a malformed input, which is refused right after; do not crash here.
    const triggerDepth = trigger.kind === 'event' ? trigger.event?.causalDepth : undefined;
    this.causalDepth = input.causalDepth ?? triggerDepth ?? 0;
    if (trigger.kind === 'event' && typeof trigger.event?.id === 'string') {
      this.events.markSeen(trigger.event.id);
      this.remember(trigger.event.id);
    }
  }

  /**
   * Since when a `wait for` wants stored events: the run's start, or the trigger event's time when
   * that is earlier, so an event stored between the trigger and the start of the run is not missed.
   */
  get since(): string {
    const trigger = this.input.trigger;
    const eventTime = trigger.kind === 'event' ? readTime(trigger.event.time) : undefined;
    return isoAt(eventTime !== undefined ? Math.min(eventTime, this.runStartedAt) : this.runStartedAt);
  }

  /** Whether a wait must leave this subscription to `cancel on` (same type and correlation). */
  keepsSubscription(event: string, correlation: { field: string; value: unknown } | undefined): boolean {
    return this.cancelSubscription === subscriptionKey(event, correlation);
  }

  /** Where live frames register, so queries show the names bound right now. */
  get frames(): FrameRegistry {
    return this.liveFrames;
  }

  /** Evaluates an expression in `frame` with the run's clock. Throws `EvalError`. */
  eval(expr: ExprIR, frame: Frame): Value {
    return evaluate(expr, frame.evalScope(), this.evalCtx);
  }

  /**
   * The idempotency key of the next execution of step `stepId`: stable across retries and replays
   * (it is derived from history, not from chance), distinct for every execution of the step (loops,
   * `parallel` branches, queued runs: the counters travel through continue-as-new).
   */
  nextKey(stepId: number): string {
    const n = (this.occurrences.get(stepId) ?? 0) + 1;
    this.occurrences.set(stepId, n);
    const info = workflowInfo();
    return `${keyPart(info.workflowId)}/${info.firstExecutionRunId}/s${stepId}#${n}`;
  }

  /** The occurrence counters, for continue-as-new. */
  occurrenceCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, n] of this.occurrences) out[String(id)] = n;
    return out;
  }

  /** Marks `step` as being executed; returns a token for `leave`. */
  enter(step: StepIR): number {
    const token = this.nextToken++;
    this.active.set(token, { kind: step.kind, span: step.span });
    return token;
  }

  leave(token: number): void {
    this.active.delete(token);
  }

  /** The innermost step being executed (the most recently entered), if any. */
  currentStep(): { readonly kind: string; readonly span: Span } | undefined {
    let last: { readonly kind: string; readonly span: Span } | undefined;
    for (const step of this.active.values()) last = step;
    return last;
  }

  /** Records what the run is blocked on; returns a token for `unwait`. */
  wait(waiting: Waiting): number {
    const token = this.nextToken++;
    this.waits.set(token, waiting);
    return token;
  }

  unwait(token: number): void {
    this.waits.delete(token);
  }

  /**
   * Whether to continue as new at the next safe point: the server suggests it, or the history
   * reached `historyEventLimit`. Never before this execution made progress (a step completed or
   * an event arrived), so a tiny limit cannot make the run continue as new forever.
   */
  shouldSuspend(): boolean {
    if (this.stepsCompleted === 0 && this.events.arrivalCount === 0) return false;
    const info = workflowInfo();
    const limit = this.input.historyEventLimit;
    return info.continueAsNewSuggested || (limit !== undefined && limit > 0 && info.historyLength >= limit);
  }

  /** `concurrency queue`: takes another trigger, unless it is malformed or already seen. */
  enqueue(trigger: RunTrigger): void {
    const problem = checkTrigger(trigger);
    if (problem) {
      this.timeline.add('error', `queued trigger refused: ${problem}`);
      return;
    }
    if (trigger.kind === 'event') {
      const id = trigger.event.id;
      const current = this.input.trigger;
      const queued = this.queue.some((t) => t.kind === 'event' && t.event.id === id);
      if (
        (current.kind === 'event' && current.event.id === id) ||
        queued ||
        this.handledTriggers.includes(id)
      ) {
        return;
      }
    }
    if (this.queue.length >= QUEUE_LIMIT) {
      this.timeline.add('error', `queue is full (${QUEUE_LIMIT} triggers); a trigger was dropped`);
      return;
    }
    this.queue.push(trigger);
  }

  /** Remembers a trigger event id so the queue ignores it from now on. */
  remember(id: string): void {
    if (!this.handledTriggers.includes(id)) this.handledTriggers.push(id);
    if (this.handledTriggers.length > HANDLED_TRIGGERS_LIMIT) this.handledTriggers.shift();
  }

  /** The answer to `stateQuery`. */
  state(): RunState {
    const step = this.currentStep();
    const bindings: Record<string, Value> = {};
    for (const frame of this.liveFrames) Object.assign(bindings, frame.snapshot());
    const waiting: Waiting[] = [...this.waits.values()];
    for (const a of this.approvals.waiting()) {
      waiting.push({
        kind: 'approval',
        description: a.description,
        ...(a.role !== undefined ? { role: a.role } : {}),
        ...(a.until !== undefined ? { until: a.until } : {}),
      });
    }
    return {
      rule: this.rule.name,
      status: this.status,
      ...(step ? { step: { kind: step.kind, source: sourceRef(step.span) } } : {}),
      waiting,
      bindings,
      timeline: this.timeline.list(),
      ...(this.timeline.dropped > 0 ? { timelineDropped: this.timeline.dropped } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** A `Waiting` entry's `until` for a deadline in ms. */
  until(deadline: number | null): { until?: string } {
    return deadline === null ? {} : { until: isoAt(deadline) };
  }
}

/** The key telling apart subscriptions of one run to one type (as the engine keys them). */
export function subscriptionKey(
  event: string,
  correlation: { readonly field: string; readonly value: unknown } | undefined,
): string {
  return correlation ? `${event}|${correlation.field}=${JSON.stringify(correlation.value ?? null)}` : event;
}

/** Why a trigger cannot start a run, or undefined when it can. */
export function checkTrigger(trigger: unknown): string | undefined {
  if (typeof trigger !== 'object' || trigger === null) return 'a trigger must be an object';
  const t = trigger as Record<string, unknown>;
  if (t['kind'] === 'event') return checkEvent(t['event']);
  if (t['kind'] === 'schedule') return undefined;
  if (t['kind'] === 'manual') {
    const input = t['input'];
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      return 'manual input must be an object';
    if (containsSecretMarker(input)) {
      return 'manual input contains a secret marker ($secret/$template), which inputs may not carry';
    }
    return undefined;
  }
  return `unknown trigger kind ${String(t['kind'])}`;
}

/** The workflow id as it appears in keys: verbatim when short, else a prefix and a hash. */
function keyPart(workflowId: string): string {
  if (workflowId.length <= KEY_WORKFLOW_ID_LIMIT) return workflowId;
  return `${workflowId.slice(0, 100)}~${fnv1a(workflowId, 0x811c9dc5)}${fnv1a(workflowId, 0x01000193)}`;
}

/** 32-bit FNV-1a as 8 hex digits: a deterministic hash needing no Node crypto in the sandbox. */
function fnv1a(text: string, seed: number): string {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
