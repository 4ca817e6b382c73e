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
