import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  compileRuleSet,
  type Diagnostic,
  evaluateCondition,
  explainGuard,
  fileKind,
  formatExplanation,
  parseRuleTests,
  type RuleIR,
  type RuleSetInput,
  type RuleTest,
  sortDiagnostics,
} from '../../dsl';
import {
  approvalSignal,
  eventSignal,
  INTERPRETER_WORKFLOW_TYPE,
  stateQuery,
  type RunInput,
  type RunResult,
} from '../../workflows/contract';
import { createTimeSkippingEnv } from '../temporal/time-skipping';
import { compareOutcome, compareScenario, type ActualStatus, type TestOutcome } from './expectations';
import { isScenario, runScenario } from './run-scenario';
import { prepareTest, type PreparedTest } from './prepare';
import { RuleTestHost } from './test-host';

export interface RuleTestReport {
  readonly test: RuleTest;
  readonly passed: boolean;
  readonly problems: readonly string[];
  readonly outcome: TestOutcome;
  /** Workflow time that passed during the test (skipped, not waited). */
  readonly runTimeMs: number;
  readonly wallMs: number;
}

export interface RunRuleTestsOptions {
  /** Called as each test finishes, for progress output. */
  readonly onReport?: (report: RuleTestReport) => void;
  /** Wall-clock limit for one run to end once its timeline is applied (default 30 s). */
  readonly resultTimeoutMs?: number;
  /** An environment to reuse (tests); otherwise one time-skipping server is started and stopped. */
  readonly env?: TestWorkflowEnvironment;
  /**
   * Run only the tests in these files (rule-set paths), or of the rules written in them; the
   * whole set is still compiled, so a file is tested in the context of its folder.
   */
  readonly onlyFiles?: ReadonlySet<string>;
  /** Run only the tests whose name contains this text (case-insensitive). */
  readonly filter?: string;
}

export interface RunRuleTestsResult {
  readonly reports: RuleTestReport[];
  /** Rule set and test file problems; when there are errors, no test ran. */
  readonly diagnostics: Diagnostic[];
}

const TASK_QUEUE = 'opsflow-rule-tests';

/**
 * `opsflow test`: compiles the rule set, reads its `*.test.yaml` files, and runs every test on
 * Temporal's time-skipping test server against the real interpreter workflow with mocked actions.
 * All tests of one invocation share one server and one worker and run one after the other (time
 * skipping is global to the server).
 */
export async function runRuleTests(
  files: readonly RuleSetInput[],
  options: RunRuleTestsOptions = {},
): Promise<RunRuleTestsResult> {
  const compiled = compileRuleSet(files);
  const diagnostics: Diagnostic[] = [...compiled.diagnostics];
  const rules = new Map(compiled.rules.map((r) => [r.name, r]));
  const prepared: PreparedTest[] = [];
  for (const file of files.filter((f) => fileKind(f.path) === 'test')) {
    const parsed = parseRuleTests(file.path, file.content);
    diagnostics.push(...parsed.diagnostics);
    for (const test of parsed.tests) {
      const p = prepareTest(test, rules);
      diagnostics.push(...p.diagnostics);
      if (p.prepared && selected(p.prepared, options)) prepared.push(p.prepared);
    }
  }
  const sorted = sortDiagnostics(diagnostics);
  if (sorted.some((d) => d.severity === 'error') || prepared.length === 0)
    return { reports: [], diagnostics: sorted };
  return { reports: await runPreparedTests(prepared, options), diagnostics: sorted };
}

/** Runs tests already checked against their rules (`prepareTest`), one after the other. */
export async function runPreparedTests(
  prepared: readonly PreparedTest[],
  options: RunRuleTestsOptions = {},
): Promise<RuleTestReport[]> {
  const env = options.env ?? (await createTimeSkippingEnv());
  const host = new RuleTestHost();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowsPath: require.resolve('../../workflows'),
    activities: host.activities(),
  });
  const reports: RuleTestReport[] = [];
  try {
    await worker.runUntil(async () => {
      for (const [index, test] of prepared.entries()) {
        const report = await runOne(
          env,
          host,
          test,
          `rule-test-${Date.now()}-${index}`,
          options.resultTimeoutMs ?? 30_000,
        );
        reports.push(report);
        options.onReport?.(report);
      }
    });
  } finally {
    if (!options.env) await env.teardown();
  }
  return reports;
}

async function runOne(
  env: TestWorkflowEnvironment,
  host: RuleTestHost,
  prepared: PreparedTest,
  workflowId: string,
  resultTimeoutMs: number,
): Promise<RuleTestReport> {
  const wallStart = Date.now();
  const runStart = await env.currentTimeMs();
  const { test } = prepared;
  let outcome: TestOutcome;
  let problems: string[];
  let runTimeMs: number;
  if (isScenario(prepared)) {
    // v2: several triggers, history, flow control (one run or many).
    const end = (handle: WorkflowHandle) =>
      test.expect.status === 'running'
        ? runningOrEnded(handle, resultTimeoutMs)
        : resultWithin(handle, resultTimeoutMs);
    const result = await runScenario(env, host, prepared, workflowId, TASK_QUEUE, end);
    outcome = {
      status: result.statuses[0] ?? 'skipped',
      calls: result.calls,
      ...((result.messages[0] ?? result.skipped) ? { message: result.messages[0] ?? result.skipped } : {}),
    };
    problems = compareScenario(test, result);
    runTimeMs = (await env.currentTimeMs()) - runStart;
  } else {
    host.register(workflowId, test.mocks);
    outcome = await execute(env, host, prepared, workflowId, runStart, resultTimeoutMs);
    runTimeMs = await workflowTime(env, workflowId);
    problems = compareOutcome(test, outcome);
  }
  return {
    test,
    passed: problems.length === 0,
    problems,
    outcome,
    runTimeMs,
    wallMs: Date.now() - wallStart,
  };
}

async function execute(
  env: TestWorkflowEnvironment,
  host: RuleTestHost,
  prepared: PreparedTest,
  workflowId: string,
  runStart: number,
  resultTimeoutMs: number,
): Promise<TestOutcome> {
  const { test, rule, trigger } = prepared;
  const nowIso = new Date(runStart).toISOString();
  let runTrigger: RunInput['trigger'];
  if (trigger.kind === 'event') {
    const skipped = guardSkips(rule, trigger.data, runStart);
    if (skipped !== undefined) return { status: 'skipped', calls: [], message: skipped };
    runTrigger = {
      kind: 'event',
      event: { id: `${workflowId}-trigger`, type: trigger.type, time: nowIso, data: trigger.data },
    };
  } else if (trigger.kind === 'schedule') {
    runTrigger = { kind: 'schedule', scheduledAt: nowIso };
  } else {
    runTrigger = trigger;
  }

  const handle: WorkflowHandle = await env.client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
    taskQueue: TASK_QUEUE,
    workflowId,
    args: [{ rule, trigger: runTrigger, causalDepth: 0 } satisfies RunInput],
  });

  for (const [i, item] of test.timeline.entries()) {
    if (item.afterMs > 0) await env.sleep(item.afterMs);
    const at = new Date(await env.currentTimeMs()).toISOString();
    try {
      if (item.kind === 'event') {
        const data = prepared.timelineData[i] ?? item.data;
        await handle.signal(eventSignal, { id: `${workflowId}-t${i}`, type: item.event, time: at, data });
      } else {
        await handle.signal(approvalSignal, {
          approved: item.approved,
          by: item.by ?? 'opsflow test',
          comment: item.comment,
          at,
        });
      }
    } catch {
      // The run already ended: the rest of the timeline has nobody to talk to, which the
      // expectations will show.
    }
  }

  if (test.expect.status === 'running') {
    const status = await settledStatus(handle);
    if (status === 'running')
      await handle.terminate('opsflow test: expected to be still running').catch(() => undefined);
    return { status: status ?? 'running', calls: host.calls(workflowId) };
  }
  const ended = await resultWithin(handle, resultTimeoutMs);
  return { ...ended, calls: host.calls(workflowId) };
}

/** How much workflow time the run spanned, from its start to its close (0 if it never started). */
async function workflowTime(env: TestWorkflowEnvironment, workflowId: string): Promise<number> {
  try {
    const d = await env.client.workflow.getHandle(workflowId).describe();
    return Math.max(
      0,
      (d.closeTime ?? new Date(await env.currentTimeMs())).getTime() - d.startTime.getTime(),
    );
  } catch {
    return 0;
  }
}

/** The guard's explanation when it is false (the test then expects `skipped`), else undefined. */
function guardSkips(rule: RuleIR, data: Record<string, unknown>, nowMs: number): string | undefined {
  if (!rule.guard) return undefined;
  const scope = { event: data as never };
  const ctx = { now: () => nowMs };
  try {
    if (evaluateCondition(rule.guard, scope, ctx)) return undefined;
    return formatExplanation(explainGuard(rule.guard, scope, ctx)).trim();
  } catch (err) {
    return `the guard failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** `status: running` in a v2 test: a run still going is terminated and counts as running. */
async function runningOrEnded(
  handle: WorkflowHandle,
  timeoutMs: number,
): Promise<{ status: ActualStatus; message?: string }> {
  if ((await settledStatus(handle)) === 'running') {
    await handle.terminate('opsflow test: expected to be still running').catch(() => undefined);
    return { status: 'running' };
  }
  return resultWithin(handle, timeoutMs);
}

/** After the timeline: is the run still going? (A query makes the worker catch up first.) */
async function settledStatus(handle: WorkflowHandle): Promise<ActualStatus | undefined> {
  await handle.query(stateQuery).catch(() => undefined);
  const description = await handle.describe();
  return description.status.name === 'RUNNING' ? 'running' : undefined;
}

async function resultWithin(
  handle: WorkflowHandle,
  timeoutMs: number,
): Promise<{ status: ActualStatus; message?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const result = await Promise.race([handle.result() as Promise<RunResult>, timeout]);
    if (result === 'timeout') {
      await handle.terminate('opsflow test: the run did not end').catch(() => undefined);
      return {
        status: 'running',
        message: 'the run was still waiting after its timeline (no timer left to skip to)',
      };
    }
    return { status: result.status, message: result.message };
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      const cause = err.cause;
      const message = cause?.message ?? err.message;
      const cancelled = cause?.name === 'CancelledFailure';
      return { status: cancelled ? 'cancelled' : 'failed', message };
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Whether `--filter` and the files named on the command line pick this test. */
function selected(p: PreparedTest, options: RunRuleTestsOptions): boolean {
  const { onlyFiles, filter } = options;
  if (onlyFiles && !onlyFiles.has(p.test.file) && !onlyFiles.has(p.rule.span.file)) return false;
  return filter === undefined || p.test.name.toLowerCase().includes(filter.toLowerCase());
}
