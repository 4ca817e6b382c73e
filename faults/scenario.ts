/**
 * What a fault scenario is and what it reports. A scenario runs real processes against real
 * servers, breaks something on purpose, and returns its figures and the checks it made; the
 * runner (`run.ts`) prints them and fails when a check failed or anything was lost or duplicated.
 */

/** One assertion of a scenario: what was expected, whether it held, and the figures behind it. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * The figures a scenario reports. `lost` and `duplicates` are what the fault tests are about:
 * any non-zero value fails the run even when every named check passed.
 */
export interface Figures {
  /** Events (or runs) the scenario sent. */
  readonly sent?: number;
  /** Of those, answered 2xx (after resending what got no answer). */
  readonly acknowledged?: number;
  /** Acknowledged events found in the events table. */
  readonly stored?: number;
  /** Stored events routed with exactly one outcome row for the rule. */
  readonly routedOnce?: number;
  /** Runs that completed. */
  readonly runs?: number;
  /** Side effects the target server recorded (distinct idempotency keys). */
  readonly effects?: number;
  /** Requests the target server got again with a key it had already seen (retried actions). */
  readonly redeliveries?: number;
  /** Something happened twice: an event stored or routed twice, an action with two keys. */
  readonly duplicates: number;
  /** Something acknowledged or started never happened. */
  readonly lost: number;
  /** Anything else worth a column in the summary, shown as `name=value`. */
  readonly notes?: Readonly<Record<string, number | string>>;
}

export interface ScenarioResult {
  readonly figures: Figures;
  readonly checks: readonly Check[];
}

/** Where a scenario runs and the services the runner provides. */
export interface FaultContext {
  /** The scenario's name. */
  readonly name: string;
  /** A temporary directory of its own, removed afterwards. */
  readonly dir: string;
  /** The project root (where `bin/opsflow.js` and `dist/` are). */
  readonly root: string;
  /** The PostgreSQL server of `npm test` (`scripts/provision.sh`): scenarios create databases in it. */
  readonly databaseUrl: string;
  /** A progress line. */
  log(line: string): void;
  /** Registers a cleanup step; they run in reverse order when the scenario ends, even on failure. */
  defer(step: () => Promise<void> | void): void;
}

export interface Scenario {
  readonly name: string;
  /** One line for the progress output and the README. */
  readonly title: string;
  /** Longer than the runner's default bound (4 minutes), for the cluster test. */
  readonly timeoutMs?: number;
  run(ctx: FaultContext): Promise<ScenarioResult>;
}

/** Collects checks; `expect` records one and returns whether it held. */
export class Checks {
  readonly list: Check[] = [];

  expect(name: string, ok: boolean, detail: string): boolean {
    this.list.push({ name, ok, detail });
    return ok;
  }

  /** `actual === expected`, with both in the detail. */
  equal(name: string, actual: number | string, expected: number | string): boolean {
    return this.expect(name, actual === expected, `${actual} (expected ${expected})`);
  }
}
