/**
 * What the rule registry returns. Plain data, so the API can serialise it as it is.
 */
import type { CompiledRuleSet, Diagnostic, RuleIR, TriggerIR } from '../../dsl';

/** Who made a change and why: recorded on every version, deployment and audit line. */
export interface ChangeMeta {
  readonly author: string;
  readonly message?: string;
}

/** How one rule fared in a deployment. */
export type RuleChangeKind =
  | 'added'
  | 'changed'
  | 'unchanged'
  | 'removed'
  | 'restored'
  | 'rolled_back'
  | 'enabled'
  | 'disabled'
  | 'paused'
  | 'resumed';

export interface RuleChange {
  readonly rule: string;
  readonly change: RuleChangeKind;
  /** The rule's current version after the change. */
  readonly version: number;
}

/** How a deployment is made. */
export interface DeployOptions {
  /** Remove deployed rules the set leaves out; without it such a deployment is refused. */
  readonly prune?: boolean;
  /** Answer the plan and change nothing. */
  readonly dryRun?: boolean;
  /** The digest of a rule folder's content, recorded for folder deploys (`opsflow start`). */
  readonly folderDigest?: string;
  /** `files` compiled already (e.g. in a worker thread by the API). */
  readonly compiled?: Pick<CompiledRuleSet, 'rules' | 'diagnostics'>;
}

/** A deployment's plan: the rules by what it does to them, each list sorted by name. */
export interface DeployPlan {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  readonly restored: readonly string[];
  readonly unchanged: readonly string[];
}

/** The result of `deploy`: refused with diagnostics (nothing changed), or the changes made. */
export type DeployResult =
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] }
  | {
      readonly ok: true;
      /** Null for a dry run, which changed nothing. */
      readonly deploymentId: string | null;
      readonly dryRun: boolean;
      readonly plan: DeployPlan;
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
  /** When the rule was paused (its triggers are held until it is resumed), else null. */
  readonly pausedAt: string | null;
  /** What the router does with a trigger: runs it, drops it (`disabled`) or holds it (`paused`). */
  readonly state: RuleState;
  /** Set when the last deploy no longer contained the rule; its versions stay. */
  readonly removedAt: string | null;
  readonly updatedAt: string;
}

/** `disabled` (switched off or `disabled` in the source) wins over `paused`. */
export type RuleState = 'enabled' | 'disabled' | 'paused';

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
  /** Paused by an operator: triggers are held (outcome `paused`) until it is resumed. */
  readonly paused: boolean;
  readonly ir: RuleIR;
}

/** One registry action (deploy, rollback, enable, disable, pause, resume). */
export interface Deployment {
  readonly id: string;
  readonly kind: 'deploy' | 'rollback' | 'enable' | 'disable' | 'pause' | 'resume';
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
