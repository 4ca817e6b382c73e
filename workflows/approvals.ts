/**
 * `approve` steps waiting for a human decision. A decision (by signal or update) goes to the
 * oldest open approval that has none yet: decisions carry no step id, and two approvals open at
 * once (in `parallel` branches) are answered in the order they were asked.
 */
import type { ValueObject } from '../dsl/runtime';
import type { ApprovalDecision } from './contract';
import { isoAt, readTime } from './values';

/** Who decided, when the decision does not say. */
export const UNKNOWN_APPROVER = 'unknown';

/** An `approve` step waiting right now. */
export interface OpenApproval {
  readonly id: number;
  readonly description: string;
  readonly role?: string;
  /** ISO time the step gives up, when it has `within`. */
  readonly until?: string;
  /** The decision, as the `as` name will see it, once given. */
  decision?: ValueObject;
}

/** The open approvals of a run, and where decisions go. */
export class ApprovalDesk {
  private open: OpenApproval[] = [];
  private nextId = 1;

  request(description: string, role: string | undefined, until: string | undefined): OpenApproval {
    const approval: OpenApproval = {
      id: this.nextId++,
      description,
      ...(role !== undefined ? { role } : {}),
      ...(until !== undefined ? { until } : {}),
    };
    this.open.push(approval);
    return approval;
  }

  close(approval: OpenApproval): void {
    this.open = this.open.filter((a) => a !== approval);
  }

  /** The approvals still waiting for a decision. */
  waiting(): readonly OpenApproval[] {
    return this.open.filter((a) => a.decision === undefined);
  }

  /** Whether a decision given now would be taken. */
  canDecide(): boolean {
    return this.waiting().length > 0;
  }

  /** Gives `decision` to the oldest undecided approval; false when none is waiting. */
  decide(decision: ApprovalDecision, nowMs: number): boolean {
    const target = this.open.find((a) => a.decision === undefined);
    if (!target) return false;
    target.decision = decisionValue(decision, nowMs);
    return true;
  }
}

/** Why a decision is malformed, or undefined when it is usable. */
export function checkDecision(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'a decision must be an object';
  const d = raw as Record<string, unknown>;
  if (typeof d['approved'] !== 'boolean') return "a decision needs 'approved': true or false";
  if (d['by'] !== undefined && d['by'] !== null && typeof d['by'] !== 'string')
    return "'by' must be a string";
  if (d['comment'] !== undefined && d['comment'] !== null && typeof d['comment'] !== 'string') {
    return "'comment' must be a string";
  }
  if (d['at'] !== undefined && d['at'] !== null && readTime(d['at']) === undefined) {
    return "'at' must be an ISO-8601 time";
  }
  return undefined;
}

/** What `approve ... as d` binds: `{ approved, by, comment, at }` (`APPROVAL_TYPE` in the checker). */
export function decisionValue(decision: ApprovalDecision, nowMs: number): ValueObject {
  const at = readTime(decision.at) ?? nowMs;
  return {
    approved: decision.approved,
    by: typeof decision.by === 'string' && decision.by !== '' ? decision.by : UNKNOWN_APPROVER,
    comment: typeof decision.comment === 'string' ? decision.comment : null,
    at: isoAt(at),
  };
}
