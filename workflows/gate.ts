/**
 * The flow-control gate: one workflow per (rule, key) of a rule with `debounce`, `batch` or
 * `throttle` (LANGUAGE.md §9). It takes triggers by signal, keeps the burst, batch or held
 * triggers in its own history (so a crash of any process loses none), sleeps until the pure
 * decision logic (`gate-logic.ts`) says a run is due, and asks the engine to start it. It ends
 * once it holds nothing and its throttle period is over; the next trigger starts a new one.
 */
import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  gateTime,
  gateTrigger,
  gateWake,
  initialGateState,
  type GateDecision,
  type GateState,
} from './gate-logic';
import {
  gateTriggerSignal,
  type GateActivities,
  type GateInput,
  type GateTriggerInput,
} from './gate-contract';

const activities = proxyActivities<GateActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Continue as new past this many history events (a long throttle queue, a busy key). */
const HISTORY_LIMIT = 2000;

export async function opsflowGate(input: GateInput): Promise<void> {
  let state = (input.state as GateState<GateTriggerInput> | undefined) ?? initialGateState();
  const inbox: GateTriggerInput[] = [];
  setHandler(gateTriggerSignal, (trigger) => {
    inbox.push(trigger);
  });
  const { flow } = input;
  for (;;) {
    const decisions: GateDecision<GateTriggerInput>[] = [];
    while (inbox.length > 0) {
      const trigger = inbox.shift() as GateTriggerInput;
      const step = gateTrigger(flow, state, { id: trigger.event.id, item: trigger }, Date.now());
      state = step.state;
      decisions.push(...step.decisions);
    }
    const timed = gateTime(flow, state, Date.now());
    state = timed.state;
    decisions.push(...timed.decisions);
    // In order: one key's runs start in the order their triggers were decided.
    for (const decision of decisions) await carryOut(input, decision);
    if (inbox.length > 0) continue;
    const wake = gateWake(flow, state);
    if (wake.at === undefined && wake.idleAt !== undefined && wake.idleAt <= Date.now()) return;
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > HISTORY_LIMIT) {
      await continueAsNew<typeof opsflowGate>({ ...input, state });
    }
    const until = wake.at ?? wake.idleAt;
    if (until === undefined) await condition(() => inbox.length > 0);
    else await condition(() => inbox.length > 0, Math.max(1, until - Date.now()));
  }
}

function carryOut(input: GateInput, decision: GateDecision<GateTriggerInput>): Promise<unknown> {
  const { candidate } = decision;
  return activities.startGatedRun({
    rule: input.rule,
    ...(input.key !== undefined ? { key: input.key } : {}),
    gateWorkflowId: workflowInfo().workflowId,
    event: candidate.event.item,
    events: candidate.events.map((t) => t.item),
    outcome: decision.kind === 'limited' ? 'limited' : decision.held ? 'throttled' : 'started',
    ...(candidate.merged ? { merged: candidate.merged } : {}),
  });
}
