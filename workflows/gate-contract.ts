/**
 * The contract of the flow-control gate workflow (`gate.ts`): one small workflow per (rule, key)
 * of a rule with `debounce`, `batch` or `throttle`, fed by signal-with-start from the router. Types
 * and the signal definition only, so both the workflow bundle and the engine can import them.
 * Names on the wire are stable: gates in flight depend on them.
 */
import { defineSignal } from '@temporalio/workflow';
import type { FlowControlIR } from '../dsl/runtime';
import type { RunEvent } from './contract';

/** The workflow type of the gate. */
export const GATE_WORKFLOW_TYPE = 'opsflowGate';

/** One trigger for a gate: the event, its `previous`, and the rule version it was routed under. */
export interface GateTriggerInput {
  readonly event: RunEvent;
  readonly version: number;
  /** The id the router gave the trigger's run (by rule, key value and, for `parallel`, event). */
  readonly runWorkflowId?: string;
  /** The key's previous event (rules using `previous`), null when it had none. */
  readonly previous?: RunEvent | null;
}

/** The gate's input: the rule and key it serves, and the flow control of the version that started it. */
export interface GateInput {
  readonly rule: string;
  readonly key?: string;
  readonly flow: FlowControlIR;
  /** Set only by the gate itself when it continues as new. Opaque to callers. */
  readonly state?: unknown;
}

/** Delivers a trigger to a gate (taken once per event id). */
export const gateTriggerSignal = defineSignal<[GateTriggerInput]>('opsflow.gate.trigger');

/** What the gate asks the engine to start: the run of `event`, with `events`. */
export interface StartGatedRunInput {
  readonly rule: string;
  readonly key?: string;
  readonly gateWorkflowId: string;
  readonly event: GateTriggerInput;
  readonly events: readonly GateTriggerInput[];
  /** `started` as usual; `throttled`: the run waited for the throttle; `limited`: it is dropped. */
  readonly outcome: 'started' | 'throttled' | 'limited';
  /** The outcome recorded for the other triggers of a burst or batch. */
  readonly merged?: 'debounced' | 'batched';
}

/** Activities the gate uses, provided by the engine (or `opsflow test`). */
export interface GateActivities {
  /**
   * Starts the run (by the rule's `concurrency`), or records it `limited`, and records the
   * outcome of every trigger. Idempotent: retried, or asked again for triggers already started,
   * it starts nothing twice.
   */
  startGatedRun(input: StartGatedRunInput): Promise<{ readonly runId?: string; readonly outcome: string }>;
}
