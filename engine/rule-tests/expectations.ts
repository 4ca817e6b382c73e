import type { ExpectedCall, RuleTest } from '../../dsl';
import type { StartedCall } from './test-host';

/** How a test run ended, as rule tests name it. */
export type ActualStatus = 'completed' | 'failed' | 'stopped' | 'skipped' | 'running' | 'cancelled';

export interface TestOutcome {
  readonly status: ActualStatus;
  readonly calls: readonly StartedCall[];
  /** The failure message of a failed run, or the guard explanation of a skipped one. */
  readonly message?: string;
}

/** Deep equality of JSON values (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]))
    );
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(rb, k) && jsonEqual(ra[k], rb[k]));
  }
  return false;
}

function callMatches(expected: ExpectedCall, actual: StartedCall): boolean {
  if (expected.action !== actual.action) return false;
  if (!expected.with) return true;
  return Object.entries(expected.with).every(
    ([name, value]) => Object.hasOwn(actual.args, name) && jsonEqual(actual.args[name], value),
  );
}

const show = (value: unknown): string => JSON.stringify(value) ?? 'undefined';

function describeExpected(call: ExpectedCall): string {
  return call.with ? `${call.action} with ${show(call.with)}` : call.action;
}

function describeActual(call: StartedCall): string {
  const failed = call.outcome === 'failed' ? ' (failed)' : '';
  return `${call.action}(${show(call.args)})${failed}`;
}

/** Every way the outcome differs from the test's `expect`, as readable lines (empty: passed). */
export function compareOutcome(test: RuleTest, outcome: TestOutcome): string[] {
  const problems: string[] = [];
  const { expect } = test;
  if (expect.status && expect.status !== outcome.status) {
    const why = outcome.message ? `: ${outcome.message}` : '';
    problems.push(`status: expected ${expect.status}, got ${outcome.status}${why}`);
  }
  if (expect.error !== undefined && !(outcome.message ?? '').includes(expect.error)) {
    problems.push(
      `error: expected a failure mentioning ${show(expect.error)}, got ${show(outcome.message ?? null)}`,
    );
  }
  if (expect.calls) {
    const expected = expect.calls;
    const actual = outcome.calls;
    const same =
      expected.length === actual.length && expected.every((call, i) => callMatches(call, actual[i]));
    if (!same) {
      const lines = ['calls differ (- expected, + actual):'];
      const n = Math.max(expected.length, actual.length);
      for (let i = 0; i < n; i++) {
        const e = expected[i];
        const a = actual[i];
        if (e && a && callMatches(e, a)) lines.push(`    ${describeActual(a)}`);
        else {
          if (e) lines.push(`  - ${describeExpected(e)}`);
          if (a) lines.push(`  + ${describeActual(a)}`);
        }
      }
      problems.push(lines.join('\n'));
    }
  }
  for (const name of expect.noCalls) {
    const made = outcome.calls.filter((c) => c.action === name);
    if (made.length > 0)
      problems.push(
        `no_calls: ${name} was called ${made.length} time(s): ${made.map(describeActual).join(', ')}`,
      );
  }
  return problems;
}

/** v2: how a test of several triggers went (`run-scenario.ts`). */
export interface ScenarioResult {
  readonly statuses: readonly ActualStatus[];
  readonly messages: readonly (string | undefined)[];
  readonly outcomes: Readonly<Record<string, number>>;
  readonly calls: readonly StartedCall[];
  readonly skipped?: string;
}

/**
 * v2 expectations: `runs`, `outcomes` (only those named), `status` (every run, or a list one per
 * run in start order; `skipped` means no run started), `calls` over every run, `error` in any run.
 */
export function compareScenario(test: RuleTest, result: ScenarioResult): string[] {
  const { expect } = test;
  const problems: string[] = [];
  const runs = result.statuses.length;
  if (expect.runs !== undefined && expect.runs !== runs) {
    problems.push(`runs: expected ${expect.runs}, got ${runs} (outcomes ${show(result.outcomes)})`);
  }
  if (expect.outcomes) {
    for (const [name, n] of Object.entries(expect.outcomes)) {
      const got = result.outcomes[name] ?? 0;
      if (got !== n)
        problems.push(`outcomes: expected ${n} ${name}, got ${got} (all: ${show(result.outcomes)})`);
    }
  }
  const why = (i: number): string => (result.messages[i] ? `: ${result.messages[i]}` : '');
  if (expect.statuses) {
    if (expect.statuses.length !== runs) {
      problems.push(
        `status: expected ${expect.statuses.length} run(s) (${expect.statuses.join(', ')}), got ${runs} (${result.statuses.join(', ') || 'none'})`,
      );
    } else {
      expect.statuses.forEach((s, i) => {
        if (result.statuses[i] !== s)
          problems.push(`status of run ${i + 1}: expected ${s}, got ${result.statuses[i]}${why(i)}`);
      });
    }
  } else if (expect.status === 'skipped') {
    if (runs > 0)
      problems.push(`status: expected skipped (no run), got ${runs} run(s): ${result.statuses.join(', ')}`);
  } else if (expect.status) {
    if (runs === 0) {
      const reason = result.skipped ? `: ${result.skipped}` : '';
      problems.push(`status: expected ${expect.status}, but no run started${reason}`);
    }
    result.statuses.forEach((s, i) => {
      if (s !== expect.status) {
        const which = runs > 1 ? ` of run ${i + 1}` : '';
        problems.push(`status${which}: expected ${expect.status}, got ${s}${why(i)}`);
      }
    });
  }
  if (expect.error !== undefined && !result.messages.some((m) => (m ?? '').includes(expect.error!))) {
    problems.push(
      `error: expected a failure mentioning ${show(expect.error)}, got ${show(result.messages.filter(Boolean))}`,
    );
  }
  const single = { status: result.statuses[0] ?? 'skipped', calls: result.calls } satisfies TestOutcome;
  const callTest = { ...test, expect: { ...expect, status: undefined, error: undefined } };
  problems.push(...compareOutcome(callTest, single));
  return problems;
}
