/**
 * What the rule registry returns. Plain data, so the API can serialise it as it is.
 */
import type { Diagnostic, RuleIR, TriggerIR } from '../../dsl';

/** Who made a change and why: recorded on every version, deployment and audit line. */
export interface ChangeMeta {
  readonly author: string;
  readonly message?: string;
}

/** How one rule fared in a deployment. */
export type RuleChangeKind =
  'added' | 'changed' | 'unchanged' | 'removed' | 'restored' | 'rolled_back' | 'enabled' | 'disabled';

export interface RuleChange {
  readonly rule: string;
  readonly change: RuleChangeKind;
  /** The rule's current version after the change. */
  readonly version: number;
}

/** The result of `deploy`: refused with diagnostics (nothing changed), or the changes made. */
export type DeployResult =
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] }
  | {
      readonly ok: true;
      readonly deploymentId: string;
      /** One entry per rule in the set or previously deployed, sorted by rule name. */
      readonly changes: readonly RuleChange[];
      /** Warnings the compiler reported; a deploy with errors is refused. */
      readonly diagnostics: readonly Diagnostic[];
    };

/** A rule as listed: its current version and its switches. */
export interface RuleSummary {
  readonly name: string;
  readonly description: string | null;
  readonly version: number;
  readonly hash: string;
  readonly trigger: TriggerIR;
  /** The operator's switch (enable/disable). */
  readonly enabled: boolean;
  /** `disabled` written in the rule's source: such a rule does not run whatever the switch says. */
  readonly disabledInSource: boolean;
  /** Set when the last deploy no longer contained the rule; its versions stay. */
  readonly removedAt: string | null;
  readonly updatedAt: string;
}

/** One immutable version of a rule, without its source and IR. */
export interface RuleVersionSummary {
  readonly rule: string;
  readonly version: number;
  readonly hash: string;
  readonly author: string;
  readonly message: string;
  readonly deploymentId: string;
  readonly createdAt: string;
  readonly current: boolean;
}

/** One version in full: the source text of its file and its IR. */
export interface RuleVersion extends RuleVersionSummary {
  readonly sourcePath: string;
  readonly source: string;
  readonly ir: RuleIR;
}

/** A rule as the router and ingest see it: the current version of every rule not removed. */
export interface ActiveRule {
  readonly name: string;
  readonly version: number;
  /** Switched on by the operator and not `disabled` in its source. */
  readonly enabled: boolean;
  readonly ir: RuleIR;
}

/** One registry action (deploy, rollback, enable, disable). */
export interface Deployment {
  readonly id: string;
  readonly kind: 'deploy' | 'rollback' | 'enable' | 'disable';
  readonly author: string;
  readonly message: string;
  readonly createdAt: string;
  readonly changes: readonly RuleChange[];
}

/** One line of the audit trail. */
export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly rule: string | null;
  readonly version: number | null;
  readonly deploymentId: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
}
