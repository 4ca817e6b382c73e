/**
 * The run's signal, update and query handlers. They are installed before the first `await`, so
 * signals sent with the start (signal-with-start) or before the run reaches a wait are kept.
 * Handlers never throw (a throwing signal handler would fail the workflow task): bad input is noted
 * in the timeline and ignored. Only the update's validator rejects, which is its purpose.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { checkDecision } from './approvals';
import type { ApprovalDecision, RunTrigger } from './contract';
import { approvalSignal, approveUpdate, enqueueSignal, eventSignal, stateQuery } from './contract';
import type { RunContext } from './run-context';

/** `ApplicationFailure` types an `approveUpdate` is rejected with (the API answers 409 / 400). */
export const UpdateRejections = {
  NotWaitingForApproval: 'NotWaitingForApproval',
  InvalidDecision: 'InvalidDecision',
} as const;

/** Installs the signal, update and query handlers of `run`; call before the first `await`. */
export function installHandlers(run: RunContext): void {
  setHandler(eventSignal, (event: unknown) => {
    const delivery = run.events.deliver(event);
    if (delivery.kind === 'rejected') run.timeline.add('error', `event refused: ${delivery.reason}`);
    else if (delivery.kind === 'accepted') run.onDelivered?.(delivery.event);
  });

  setHandler(approvalSignal, (decision: ApprovalDecision) => {
    const problem = checkDecision(decision);
    if (problem) run.timeline.add('error', `approval refused: ${problem}`);
    else if (!run.approvals.decide(decision, Date.now())) {
      run.timeline.add('approval', 'a decision arrived while no approval was waiting; ignored');
    }
  });

  setHandler(
    approveUpdate,
    (decision: ApprovalDecision) => {
      run.approvals.decide(decision, Date.now());
      return { accepted: true as const };
    },
    {
      validator: (decision: ApprovalDecision) => {
        const problem = checkDecision(decision);
        if (problem) throw ApplicationFailure.nonRetryable(problem, UpdateRejections.InvalidDecision);
        if (!run.approvals.canDecide()) {
          throw ApplicationFailure.nonRetryable(
            'the run is not waiting for an approval',
            UpdateRejections.NotWaitingForApproval,
          );
        }
      },
    },
  );

  setHandler(enqueueSignal, (trigger: RunTrigger) => run.enqueue(trigger));

  setHandler(stateQuery, () => run.state());
}
