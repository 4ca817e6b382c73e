/**
 * Executing blocks and the structural and simple statements: `let`, `set`, `if`, `for each`,
 * `parallel`, `log`, `stop`, `fail`; `call`/`emit` live in `actions.ts`, `sleep`/`wait for`/
 * `approve` in `steps-wait.ts`.
 *
 * Every step runs through `runStep`, which tracks it as the current step (for queries and
 * failure messages) and converts anything unexpected it throws into a run failure at its source.
 * Blocks are where continue-as-new may happen (see `resume.ts`).
 */
import { CancellationScope } from '@temporalio/workflow';
import { evaluateCondition, kindOf, truth, type StepIR, type Value } from '../dsl/runtime';
import { runCall, runEmit } from './actions';
import { RunFailure, RunFailureTypes, StopRun, toRunError } from './failures';
import type { BlockOptions, ResumeBlock, ResumeInner } from './resume';
import { Suspend } from './resume';
import type { RunContext } from './run-context';
import type { Frame } from './scope';
import { runApprove, runSleep, runSleepUntil, runWait } from './steps-wait';
import { runWaitFirst } from './steps-wait-first';
import { displayText, preview } from './values';
import { aggregatesOf, evalWithWindows } from './windows';

/**
 * Runs `steps` in `frame`, from the start or from `resume`. Before each step, when the history is
 * long, suspends (throws `Suspend`) so the run can continue as new.
 */
export async function runBlock(
  run: RunContext,
  steps: readonly StepIR[],
  frame: Frame,
  options: BlockOptions,
  resume?: ResumeBlock,
): Promise<void> {
  let start = 0;
  if (resume) {
    frame.restore(resume.bindings);
    start = resume.index;
  }
  for (let i = start; i < steps.length; i++) {
    const inner = resume && i === start ? resume.inner : undefined;
    if (!inner && options.suspendable && run.shouldSuspend()) throw Suspend.before(i, frame.snapshot());
    try {
      await runStep(run, steps[i], frame, options, inner);
    } catch (err) {
      if (err instanceof Suspend && err.step) {
        err.block = { index: i, bindings: frame.snapshot(), inner: err.step };
        err.step = undefined;
      }
      throw err;
    }
    run.stepsCompleted++;
  }
}

/** Runs `steps` in a new child frame of `parent`, closed when the block ends. */
export async function runChildBlock(
  run: RunContext,
  steps: readonly StepIR[],
  parent: Frame,
  options: BlockOptions,
  resume?: ResumeBlock,
  bind?: (frame: Frame) => void,
): Promise<void> {
  const frame = parent.child();
  try {
    bind?.(frame);
    await runBlock(run, steps, frame, options, resume);
  } finally {
    frame.close();
  }
}

/**
 * Runs a nested block of a structure step; a `Suspend` from inside comes out described by
 * `describe` (which branch or iteration the step was in).
 */
export async function runNested(
  run: RunContext,
  steps: readonly StepIR[],
  parent: Frame,
  options: BlockOptions,
  resume: ResumeBlock | undefined,
  describe: (block: ResumeBlock) => ResumeInner,
  bind?: (frame: Frame) => void,
): Promise<void> {
  try {
    await runChildBlock(run, steps, parent, options, resume, bind);
  } catch (err) {
    if (err instanceof Suspend && err.block) {
      err.step = describe(err.block);
      err.block = undefined;
    }
    throw err;
  }
}

async function runStep(
  run: RunContext,
  step: StepIR,
  frame: Frame,
  options: BlockOptions,
  inner: ResumeInner | undefined,
): Promise<void> {
  const token = run.enter(step);
  try {
    await dispatch(run, step, frame, options, inner);
  } catch (err) {
    throw toRunError(err, step.span);
  } finally {
    run.leave(token);
  }
}

async function dispatch(
  run: RunContext,
  step: StepIR,
  frame: Frame,
  options: BlockOptions,
  inner: ResumeInner | undefined,
): Promise<void> {
  switch (step.kind) {
    case 'let':
      frame.bind(
        step.name,
        aggregatesOf(step.value).length === 0
          ? run.eval(step.value, frame)
          : await evalWithWindows(run, step.value, frame),
      );
      return;
    case 'set': {
      const value =
        aggregatesOf(step.value).length === 0
          ? run.eval(step.value, frame)
          : await evalWithWindows(run, step.value, frame);
      if (!frame.rebind(step.name, value)) {
        throw new RunFailure(RunFailureTypes.InterpreterError, `'${step.name}' is not bound`, step.span);
      }
      run.timeline.add('set', `${step.name} = ${preview(value)}`, step.span);
      return;
    }
    case 'call':
      return runCall(run, step, frame);
    case 'emit':
      return runEmit(run, step, frame);
    case 'if':
      return runIf(run, step, frame, options, inner);
    case 'for_each':
      return runForEach(run, step, frame, options, inner);
    case 'parallel':
      return runParallel(run, step, frame);
    case 'sleep':
      return runSleep(run, step, frame);
    case 'sleep_until':
      return runSleepUntil(run, step, frame);
    case 'wait':
    case 'approve': {
      // The `on timeout` body is a nested block, run here so the waiting steps need no block runner.
      if (inner?.kind === 'timeout') return runOnTimeout(run, step.onTimeout, frame, options, inner.block);
      const outcome =
        step.kind === 'wait'
          ? await runWait(run, step, frame, options, inner)
          : await runApprove(run, step, frame, options, inner);
      if (outcome === 'timeout') await runOnTimeout(run, step.onTimeout, frame, options, undefined);
      return;
    }
    case 'wait_first': {
      if (inner?.kind === 'timeout') return runOnTimeout(run, step.onTimeout, frame, options, inner.block);
      if (inner?.kind === 'case') {
        const resume = inner;
        return runNested(run, step.cases[inner.index].body, frame, options, inner.block, (block) => ({
          kind: 'case',
          index: resume.index,
          block,
        }));
      }
      const outcome = await runWaitFirst(run, step, frame, options, inner);
      if (outcome.kind === 'timeout') return runOnTimeout(run, step.onTimeout, frame, options, undefined);
      const chosen = step.cases[outcome.index];
      return runNested(
        run,
        chosen.body,
        frame,
        options,
        undefined,
        (block) => ({ kind: 'case', index: outcome.index, block }),
        (body) => body.bind(chosen.as, outcome.event.data as Value),
      );
    }
    case 'log': {
      // Only a message with a window awaits (v2); without one the step stays synchronous, as in v1.
      const message =
        aggregatesOf(step.message).length === 0
          ? run.eval(step.message, frame)
          : await evalWithWindows(run, step.message, frame);
      run.timeline.add('log', displayText(message), step.span);
      return;
    }
    case 'stop': {
      const message = step.message ? displayText(run.eval(step.message, frame)) : undefined;
      run.timeline.add('stop', message ?? 'stopped', step.span);
      throw new StopRun(message);
    }
    case 'fail':
      throw new RunFailure(RunFailureTypes.RuleFailed, displayText(run.eval(step.message, frame)), step.span);
    default: {
      const { kind, span } = step as { kind?: unknown; span?: StepIR['span'] };
      throw new RunFailure(RunFailureTypes.UnsupportedRule, `unknown step kind ${String(kind)}`, span);
    }
  }
}

async function runIf(
  run: RunContext,
  step: Extract<StepIR, { kind: 'if' }>,
  frame: Frame,
  options: BlockOptions,
  inner: ResumeInner | undefined,
): Promise<void> {
  let chosen: number;
  if (inner?.kind === 'if') chosen = inner.branch;
  else {
    chosen = step.branches.length;
    for (let b = 0; b < step.branches.length; b++) {
      const cond = step.branches[b].cond;
      // A condition with a window is read durably first (v2); any other is evaluated as in v1.
      const holds =
        aggregatesOf(cond).length === 0
          ? evaluateCondition(cond, frame.evalScope(), run.evalCtx)
          : truth(await evalWithWindows(run, cond, frame), cond.span);
      if (holds) {
        chosen = b;
        break;
      }
    }
    const which = chosen < step.branches.length ? `branch ${chosen + 1} of ${step.branches.length}` : 'else';
    run.timeline.add('branch', step.else || chosen < step.branches.length ? which : 'no branch', step.span);
  }
  const body = chosen < step.branches.length ? step.branches[chosen].body : step.else;
  if (!body) return;
  const resume = inner?.kind === 'if' ? inner.block : undefined;
  await runNested(run, body, frame, options, resume, (block) => ({ kind: 'if', branch: chosen, block }));
}

async function runForEach(
  run: RunContext,
  step: Extract<StepIR, { kind: 'for_each' }>,
  frame: Frame,
  options: BlockOptions,
  inner: ResumeInner | undefined,
): Promise<void> {
  let list: readonly Value[];
  let start = 0;
  let resume: ResumeBlock | undefined;
  if (inner?.kind === 'for_each') {
    ({ list, block: resume } = inner);
    start = inner.iteration;
  } else {
    const value = run.eval(step.list, frame);
    if (value === null) list = [];
    else if (Array.isArray(value)) list = [...(value as readonly Value[])];
    else {
      throw new RunFailure(
        RunFailureTypes.ExpressionError,
        `'for each' needs a list, got ${kindOf(value)}`,
        step.list.span,
      );
    }
  }
  for (let k = start; k < list.length; k++) {
    const item = list[k];
    await runNested(
      run,
      step.body,
      frame,
      options,
      k === start ? resume : undefined,
      (block) => ({ kind: 'for_each', list, iteration: k, block }),
      (iteration) => iteration.bind(step.name, item),
    );
  }
}

/**
 * `parallel`: the branches run concurrently in one cancellation scope; the first branch to fail
 * (or `stop`) cancels the others, and its error is what the statement throws once all settled.
 */
async function runParallel(
  run: RunContext,
  step: Extract<StepIR, { kind: 'parallel' }>,
  frame: Frame,
): Promise<void> {
  const scope = new CancellationScope();
  let first: { readonly error: unknown } | undefined;
  await scope.run(() =>
    Promise.all(
      step.branches.map((branch) =>
        runChildBlock(run, branch, frame, { suspendable: false }).catch((error: unknown) => {
          if (!first) {
            first = { error };
            scope.cancel();
          }
        }),
      ),
    ),
  );
  if (first) throw first.error;
}

/** The `on timeout` body of a `wait for` or `approve`, in its own block. */
async function runOnTimeout(
  run: RunContext,
  steps: readonly StepIR[] | undefined,
  frame: Frame,
  options: BlockOptions,
  resume: ResumeBlock | undefined,
): Promise<void> {
  if (!steps || steps.length === 0) return;
  await runNested(run, steps, frame, options, resume, (block) => ({ kind: 'timeout', block }));
}
