/**
 * The interpreter workflow: ONE workflow type executes the IR of any rule (`INTERPRETER_WORKFLOW_TYPE`).
 *
 * A run: check the input (IR version, untrusted trigger data), bind `event` (the trigger event's
 * `data` object) or `input` (the manual input), run `do` under the rule's `timeout`, then on failure,
 * timeout or cancellation run `compensate` (non-cancellable, seeing the body's top-level names,
 * null when not reached). It ends completed, stopped, failed (`ApplicationFailure` with a stable
 * type and a `RunError` detail) or cancelled; with `concurrency queue` it then continues as new
 * with the next queued trigger. Long runs continue as new at safe points (see `resume.ts`).
 *
 * Version safety: a run carries the IR it started with; any change to what this code does with a
 * given history must be guarded with `patched()`, and the replay tests over `workflows/histories/`
 * catch a change that is not.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  makeContinueAsNewFunc,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import { formatDuration, IR_VERSION, IR_VERSION_V2, type StepIR, type Value } from '../dsl/runtime';
import { stopWatchingCancelOn, watchCancelOn } from './cancel-on';
import { emitRunFailed } from './run-failed';
import type { RunInput, RunResult } from './contract';
import {
  RunFailure,
  RunFailureTypes,
  StopRun,
  runError,
  toApplicationFailure,
  toRunError,
  where,
} from './failures';
import { installHandlers } from './handlers';
import type { ResumeBlock, ResumeState } from './resume';
import { RESUME_VERSION, Suspend, readResume } from './resume';
import { RunContext, checkTrigger } from './run-context';
import { Frame } from './scope';
import { SEARCH_ATTRIBUTE_KEYS, nextRunSearchAttributes } from './search-attributes';
import { runBlock } from './steps';

/** The interpreter's behaviour version; any change to it goes through `patched()`. */
export const INTERPRETER_VERSION = 3;

/** How `do` ended. */
type Outcome =
  | { readonly kind: 'completed' }
  | { readonly kind: 'stopped'; readonly message?: string }
  /** `beforeDo`: the run failed before `do` began, so there is nothing to compensate. */
  | { readonly kind: 'failed'; readonly failure: RunFailure; readonly beforeDo?: boolean }
  | { readonly kind: 'cancelled'; readonly error: unknown }
  | { readonly kind: 'suspended'; readonly position: ResumeBlock };

/** Executes one rule run; see the file comment. */
export async function interpretRule(input: RunInput): Promise<RunResult> {
  if (!isRecord(input) || !isRecord(input.rule) || !isRecord(input.trigger)) {
    // Nothing to name in a message or to run compensation for: refuse the start as it is.
    throw ApplicationFailure.nonRetryable(
      'the run input needs a rule and a trigger',
      RunFailureTypes.UnsupportedRule,
    );
  }
  const resume = readResume(input.resume);
  const run = new RunContext(input, typeof resume === 'object' ? resume : undefined);
  installHandlers(run);
  if (typeof resume === 'object' && resume.note && !resume.position) run.timeline.add('started', resume.note);

  const problem = typeof resume === 'string' ? resume : checkInput(input);
  if (problem) {
    const type =
      typeof resume === 'string' || !isKnownVersion(input.rule?.irVersion)
        ? 'UnsupportedRule'
        : 'InvalidInput';
    const failure = new RunFailure(RunFailureTypes[type], problem);
    return finish(run, { kind: 'failed', failure, beforeDo: true });
  }

  const root = Frame.root(run.frames);
  const trigger = input.trigger;
  if (trigger.kind === 'event') root.bind('event', trigger.event.data as Value);
  if (trigger.kind === 'manual') root.bind('input', trigger.input as Value);
  bindV2Names(input, root);
  const position = typeof resume === 'object' ? resume.position : undefined;
  if (!position) run.timeline.add('started', describeTrigger(input), run.rule.span);

  const body = root.child();
  const outcome = await startDo(run, root, body, position);
  if (outcome.kind === 'suspended') return continueRun(run, outcome.position);
  if ((outcome.kind === 'failed' && !outcome.beforeDo) || outcome.kind === 'cancelled') {
    await compensate(run, root, body);
  }
  await stopWatchingCancelOn(run);
  return finish(run, outcome);
}

function isKnownVersion(v: unknown): boolean {
  return v === IR_VERSION || v === IR_VERSION_V2;
}

/**
 * v2: `previous` (rules that mention it: the previous event's data, or null) and `events`
 * (debounce/batch rules: every trigger's data, oldest first; the trigger alone when the router
 * sent none). A v1 rule binds neither, as before.
 */
function bindV2Names(input: RunInput, root: Frame): void {
  const rule = input.rule;
  if (rule.usesPrevious) root.bind('previous', (input.previous?.data ?? null) as Value);
  if (rule.usesEvents) {
    const trigger = input.trigger;
    const events = input.events ?? (trigger.kind === 'event' ? [trigger.event] : []);
    root.bind('events', events.map((e) => e.data) as Value);
  }
}

/** v2: subscribes `cancel on` (when the rule has it), then runs `do`. */
async function startDo(
  run: RunContext,
  root: Frame,
  body: Frame,
  position: ResumeBlock | undefined,
): Promise<Outcome> {
  if (run.rule.cancelOn) {
    try {
      await watchCancelOn(run, root, () => run.cancelDo?.());
    } catch (err) {
      if (isCancellation(err)) return { kind: 'cancelled', error: err };
      const failure = toRunError(err, run.rule.cancelOn.span);
      const f =
        failure instanceof RunFailure
          ? failure
          : new RunFailure(RunFailureTypes.InterpreterError, String(failure));
      return { kind: 'failed', failure: f, beforeDo: position === undefined };
    }
  }
  return runDo(run, body, position);
}

/** Why the input cannot run, or undefined. */
function checkInput(input: RunInput): string | undefined {
  if (!isKnownVersion(input.rule.irVersion)) {
    return `rule ${input.rule.name} has IR version ${String(input.rule.irVersion)}; this interpreter runs versions ${IR_VERSION} and ${IR_VERSION_V2}`;
  }
  const problem = checkTrigger(input.trigger);
  return problem ? `the trigger cannot start this run: ${problem}` : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeTrigger(input: RunInput): string {
  const t = input.trigger;
  if (t.kind === 'event') return `event ${t.event.type} ${t.event.id}`;
  if (t.kind === 'manual') return t.by ? `started by hand by ${t.by}` : 'started by hand';
  return t.scheduledAt ? `schedule (${t.scheduledAt})` : 'schedule';
}

/** Runs `do` in its own cancellation scope, which the rule's `timeout` cancels. */
async function runDo(run: RunContext, body: Frame, position: ResumeBlock | undefined): Promise<Outcome> {
  const scope = new CancellationScope();
  run.cancelDo = () => scope.cancel();
  const timer = new CancellationScope();
  const timeoutMs = run.rule.timeoutMs;
  let timedOut: RunFailure | undefined;
  const timeOut = (): RunFailure => {
    const step = run.currentStep();
    const during = step ? ` during '${step.kind}'` : '';
    const reason = `the rule's timeout of ${formatDuration(timeoutMs ?? 0)} passed${during}`;
    timedOut = new RunFailure(RunFailureTypes.RuleTimedOut, reason, step?.span ?? run.rule.span);
    scope.cancel();
    return timedOut;
  };
  if (timeoutMs !== null) {
    const remaining = run.runStartedAt + timeoutMs - Date.now();
    // The deadline can pass before this execution's first step: the run waited for a worker, or
    // was being carried over by continue-as-new. Compensate only if `do` had begun.
    if (remaining <= 0) return { kind: 'failed', failure: timeOut(), beforeDo: position === undefined };
    void timer.run(() => sleep(remaining)).then(timeOut, () => undefined);
  }
  try {
    await scope.run(() => runBlock(run, run.rule.body, body, { suspendable: true }, position));
    return { kind: 'completed' };
  } catch (err) {
    if (err instanceof StopRun)
      return { kind: 'stopped', ...(err.stopMessage !== undefined ? { message: err.stopMessage } : {}) };
    if (err instanceof Suspend && err.block) return { kind: 'suspended', position: err.block };
    if (timedOut && isCancellation(err)) return { kind: 'failed', failure: timedOut };
    if (isCancellation(err)) return { kind: 'cancelled', error: err };
    const failure = toRunError(err, run.rule.span);
    if (failure instanceof RunFailure) return { kind: 'failed', failure };
    return { kind: 'failed', failure: new RunFailure(RunFailureTypes.InterpreterError, String(failure)) };
  } finally {
    timer.cancel();
  }
}

/**
 * `compensate`: after a failure, timeout or cancellation once `do` began. It sees `event`/`input`
 * and the body's top-level names (null when not bound before the failure). It runs in a
 * non-cancellable scope so a cancellation cannot interrupt the undo; its own failure is noted in
 * the timeline and does not replace the run's failure.
 */
async function compensate(run: RunContext, root: Frame, body: Frame): Promise<void> {
  if (run.rule.compensate.length === 0) return;
  run.status = 'compensating';
  run.timeline.add('compensate', 'compensation started');
  const frame = root.child();
  for (const name of topLevelNames(run.rule.body)) frame.bind(name, body.own(name));
  body.close();
  try {
    await CancellationScope.nonCancellable(() =>
      runBlock(run, run.rule.compensate, frame, { suspendable: false }),
    );
    run.timeline.add('compensate', 'compensation finished');
  } catch (err) {
    if (!(err instanceof StopRun)) {
      const failure = toRunError(err, run.rule.span);
      const text =
        failure instanceof RunFailure ? `${where(run.rule, failure.span)}: ${failure.reason}` : String(err);
      run.timeline.add('error', `compensation failed at ${text}`);
    }
  } finally {
    frame.close();
  }
}

/** The names `do` binds at its top level (what `compensate` may see). */
function topLevelNames(steps: readonly StepIR[]): string[] {
  const names: string[] = [];
  for (const s of steps) {
    if (s.kind === 'let') names.push(s.name);
    else if (s.kind === 'call' && s.bind !== undefined) names.push(s.bind);
    else if ((s.kind === 'wait' || s.kind === 'approve') && s.as !== undefined) names.push(s.as);
  }
  return names;
}

/** Ends the run: its result, its failure, or the next queued trigger. */
async function finish(run: RunContext, outcome: Exclude<Outcome, { kind: 'suspended' }>): Promise<RunResult> {
  switch (outcome.kind) {
    case 'cancelled':
      run.status = 'cancelled';
      run.timeline.add('cancelled', 'the run was cancelled');
      // Rethrowing the cancellation is what makes Temporal record the run as cancelled; queued
      // triggers go with it (cancelling a queue's run is an operator's decision to stop it).
      throw outcome.error;
    case 'failed': {
      const error = runError(run.rule, outcome.failure);
      run.status = 'failed';
      run.error = error;
      run.timeline.add(
        outcome.failure.type === RunFailureTypes.RuleFailed ? 'fail' : 'error',
        error.message,
        outcome.failure.span,
      );
      await emitRunFailed(run, outcome.failure);
      if (run.queue.length > 0)
        return startNextQueued(run, `the run before this one failed: ${error.message}`);
      throw toApplicationFailure(error);
    }
    case 'stopped':
      run.status = 'stopped';
      if (run.queue.length > 0)
        return startNextQueued(
          run,
          `the run before this one stopped${outcome.message ? `: ${outcome.message}` : ''}`,
        );
      return { status: 'stopped', ...(outcome.message !== undefined ? { message: outcome.message } : {}) };
    case 'completed':
      run.status = 'completed';
      run.timeline.add('completed', 'the run completed');
      if (run.queue.length > 0) return startNextQueued(run, 'the run before this one completed');
      return { status: 'completed' };
  }
}

/** `concurrency queue`: continues as new with the next queued trigger (and the rest of the queue). */
async function startNextQueued(run: RunContext, note: string): Promise<never> {
  const [next, ...rest] = run.queue;
  if (next.kind === 'event') run.remember(next.event.id);
  const resume: ResumeState = {
    v: RESUME_VERSION,
    runStartedAt: run.runStartedAt,
    occurrences: run.occurrenceCounts(),
    queue: rest,
    handledTriggers: [...run.handledTriggers],
    note,
  };
  const { rule, version, key, historyEventLimit } = run.input;
  // The next run describes its own trigger in its search attributes (event id, trace id). A run
  // started without them (a server that has none registered, or an older release) keeps none.
  const current = workflowInfo().typedSearchAttributes.getAll();
  const searchAttributes = current.some((p) => p.key.name === SEARCH_ATTRIBUTE_KEYS.rule.name)
    ? nextRunSearchAttributes(current, next)
    : undefined;
  return continueWith(
    {
      rule,
      trigger: next,
      ...(version !== undefined ? { version } : {}),
      ...(key !== undefined ? { key } : {}),
      ...(next.kind === 'event' && next.event.causalDepth !== undefined
        ? { causalDepth: next.event.causalDepth }
        : {}),
      ...(historyEventLimit !== undefined ? { historyEventLimit } : {}),
      resume,
    },
    searchAttributes,
  );
}

/** Continues the same run as new from `position`, carrying its state. */
async function continueRun(run: RunContext, position: ResumeBlock): Promise<never> {
  const resume: ResumeState = {
    v: RESUME_VERSION,
    runStartedAt: run.runStartedAt,
    occurrences: run.occurrenceCounts(),
    queue: [...run.queue],
    handledTriggers: [...run.handledTriggers],
    position,
    events: run.events.snapshot(),
    timeline: run.timeline.snapshot(),
  };
  return continueWith({ ...run.input, resume });
}

/**
 * Continues as new with `next`. Search attributes carry over unless given: the server copies the
 * current run's when the command names none (a long run resuming keeps its own).
 */
async function continueWith(next: RunInput, searchAttributes?: SearchAttributePair[]): Promise<never> {
  // Let a signal or update handler that is still running finish before this execution ends.
  await condition(allHandlersFinished);
  if (searchAttributes === undefined) return continueAsNew<typeof interpretRule>(next);
  return makeContinueAsNewFunc<typeof interpretRule>({ typedSearchAttributes: searchAttributes })(next);
}
