/**
 * Reruns: a new run of a rule with the trigger of an earlier run (the same event, the same manual
 * input, or the same schedule tick), on the rule's current version (`latest`) or on the version the
 * earlier run had (`pinned`). Like a manual run, a rerun is a run of its own: it does not take part
 * in the rule's concurrency mode, and its event is not stored again (it is a fact already).
 * Both runs are linked (`run_links`, and `rerunOf` in the new run's memo).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { conformFields, conformValue } from '../../dsl';
import type { RuleIR } from '../../dsl';
import { INTERPRETER_WORKFLOW_TYPE, type RunInput, type RunTrigger } from '../../workflows/contract';
import type { Sql } from '../db/sql';
import { ManualRunError, RuleNotFoundError } from '../errors';
import type { ActiveRuleCache } from '../registry/active-rules';
import { startSearchAttributes } from '../router/run-attributes';

/** Which version a rerun runs: the rule's current one, or the one the earlier run had. */
export const RERUN_VERSIONS = ['latest', 'pinned'] as const;

/** One of `RERUN_VERSIONS`. */
export type RerunVersion = (typeof RERUN_VERSIONS)[number];

/** Memo key of a rerun naming the run it reruns. */
export const RERUN_OF_MEMO = 'rerunOf';

/** The earlier run: its ids and its input (from the first event of its history). */
export interface RerunSource {
  readonly runId: string;
  readonly workflowId: string;
  readonly input: RunInput;
}

export interface RerunDeps {
  readonly db: Sql;
  readonly client: Client;
  readonly taskQueue: string;
  readonly rules: ActiveRuleCache;
}

export interface RerunOptions {
  readonly version: RerunVersion;
  /** Who asked (recorded on the link). */
  readonly by: string;
  /** A bulk job's reruns: one per source run, under a workflow id derived from it. */
  readonly jobId?: string;
}

/** A rerun just started (or, for a bulk job's repeated start, found). */
export interface RerunStarted {
  readonly runId: string;
  readonly workflowId: string;
  readonly version: number;
  readonly rerunOf: string;
}

/**
 * Workflow id of a rerun. A single rerun always gets a new one (an operator may rerun a run as
 * often as they like); a bulk job's rerun of a run has one id, so starting it again after a crash
 * finds the run started before instead of starting a second one.
 */
export function rerunWorkflowId(rule: string, bulkSourceRunId?: string): string {
  return bulkSourceRunId === undefined
    ? `opsflow/${rule}/rerun/${randomUUID()}`
    : `opsflow/${rule}/rerun/of/${bulkSourceRunId}`;
}

/**
 * Starts a rerun of `source`. Throws `RuleNotFoundError` when the rule is no longer deployed,
 * `ManualRunError` when it is disabled, or when the trigger does not fit the version to run (the
 * rule's trigger changed: 409; the event or input does not fit its schema any more: 422).
 */
export async function startRerun(
  deps: RerunDeps,
  source: RerunSource,
  options: RerunOptions,
): Promise<RerunStarted> {
  const name = source.input.rule.name;
  const rule = (await deps.rules.get()).find(name);
  if (!rule) throw new RuleNotFoundError(name);
  if (!rule.enabled) throw new ManualRunError(`rule ${name} is disabled`);
  const target =
    options.version === 'pinned'
      ? { ir: source.input.rule, version: source.input.version ?? rule.version }
      : { ir: rule.ir, version: rule.version };
  const input = rerunInput(source.input, target.ir, target.version);
  const workflowId = rerunWorkflowId(name, options.jobId === undefined ? undefined : source.runId);
  const memo = {
    rule: name,
    version: target.version,
    [RERUN_OF_MEMO]: source.runId,
    ...(input.key !== undefined ? { key: input.key } : {}),
  };
  let runId: string;
  try {
    const handle = await deps.client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
      taskQueue: deps.taskQueue,
      workflowId,
      args: [input],
      memo,
      // Searchable like any run of the rule: `GET /v1/runs?rule=` and Temporal's UI find it.
      typedSearchAttributes: startSearchAttributes(input),
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    runId = handle.firstExecutionRunId;
  } catch (err) {
    // Only a bulk rerun's id can exist already: its earlier start went through before a crash.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError) || options.jobId === undefined) throw err;
    runId = (await deps.client.workflow.getHandle(workflowId).describe()).runId;
  }
  await deps.db.query(
    `INSERT INTO run_links (run_id, workflow_id, kind, source_run_id, source_workflow_id, rule_name, version, job_id, created_by)
     VALUES ($1, $2, 'rerun', $3, $4, $5, $6, $7, $8) ON CONFLICT (run_id) DO NOTHING`,
    [
      runId,
      workflowId,
      source.runId,
      source.workflowId,
      name,
      target.version,
      options.jobId ?? null,
      options.by,
    ],
  );
  return { runId, workflowId, version: target.version, rerunOf: source.runId };
}

/** The input of a rerun of `source` on `rule` (version `version`); throws `ManualRunError`. */
export function rerunInput(source: RunInput, rule: RuleIR, version: number): RunInput {
  return {
    rule,
    version,
    trigger: rerunTrigger(source.trigger, rule),
    ...(source.key !== undefined ? { key: source.key } : {}),
    causalDepth: source.causalDepth ?? 0,
  };
}

function rerunTrigger(trigger: RunTrigger, rule: RuleIR): RunTrigger {
  const wanted = rule.trigger;
  const mismatch = (had: string): ManualRunError =>
    new ManualRunError(
      `rule ${rule.name} is now ${describeTrigger(rule)}, but the run was ${had}: rerun it on the pinned version`,
    );
  switch (trigger.kind) {
    case 'schedule':
      if (wanted.kind !== 'schedule') throw mismatch('started by its schedule');
      return trigger;
    case 'manual': {
      if (wanted.kind !== 'manual') throw mismatch('started by hand');
      const conformed = conformValue(trigger.input, wanted.input);
      if (conformed.problems.length > 0) {
        throw new ManualRunError(`the run's input does not fit manual(...) of rule ${rule.name}`, [
          ...conformed.problems.map((p) => ({
            path: p.path ? `input.${p.path}` : 'input',
            message: p.message,
          })),
        ]);
      }
      return { ...trigger, input: conformed.value as Readonly<Record<string, unknown>> };
    }
    case 'event': {
      if (wanted.kind !== 'event' || wanted.event !== trigger.event.type) {
        throw mismatch(`triggered by ${trigger.event.type}`);
      }
      const schema = rule.events.find((e) => e.name === wanted.event);
      const conformed = conformFields(trigger.event.data, schema?.fields ?? []);
      if (conformed.problems.length > 0) {
        throw new ManualRunError(`the run's event does not fit ${wanted.event} of rule ${rule.name}`, [
          ...conformed.problems.map((p) => ({
            path: p.path ? `event.data.${p.path}` : 'event.data',
            message: p.message,
          })),
        ]);
      }
      return {
        kind: 'event',
        event: { ...trigger.event, data: conformed.value as Readonly<Record<string, unknown>> },
      };
    }
  }
}

function describeTrigger(rule: RuleIR): string {
  const t = rule.trigger;
  if (t.kind === 'event') return `triggered by ${t.event}`;
  if (t.kind === 'manual') return 'a manual(...) rule';
  return 'a scheduled rule';
}
