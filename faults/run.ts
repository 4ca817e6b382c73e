/**
 * `npm run test:faults [-- NAME...]`: builds `dist/`, runs the fault scenarios one after the
 * other against real processes and servers, prints progress lines and a summary table, and exits
 * non-zero when a scenario failed a check, lost or duplicated anything, or could not run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { apiKill } from './api-kill';
import { cluster } from './cluster';
import { flowControlKill } from './flow-control-kill';
import { postgresRestart } from './postgres-restart';
import { redeploy } from './redeploy';
import type { Check, FaultContext, Figures, Scenario } from './scenario';
import { temporalRestart } from './temporal-restart';
import { workerKill } from './worker-kill';

const SCENARIOS: readonly Scenario[] = [
  workerKill,
  temporalRestart,
  apiKill,
  postgresRestart,
  redeploy,
  flowControlKill,
];
/** Run only when named (`npm run test:cluster` names `cluster`): not part of `npm run test:faults`. */
const NAMED_ONLY: readonly Scenario[] = [cluster];
/** A scenario taking longer than this (or its own `timeoutMs`) is stopped and counted as failed. */
const SCENARIO_TIMEOUT_MS = 240_000;

interface Outcome {
  readonly scenario: Scenario;
  readonly passed: boolean;
  readonly seconds: number;
  readonly figures?: Figures;
  readonly checks: readonly Check[];
  readonly error?: string;
}

const root = resolve(__dirname, '..');
const started = Date.now();
const clock = (): string => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;

async function main(args: readonly string[]): Promise<number> {
  // `--no-build`: use the dist/ already there (right after `npm run build`).
  const build = !args.includes('--no-build');
  const argv = args.filter((a) => a !== '--no-build');
  const known = [...SCENARIOS, ...NAMED_ONLY];
  const unknown = argv.filter((name) => !known.some((s) => s.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown scenario(s): ${unknown.join(', ')}; known: ${known.map((s) => s.name).join(', ')}\n`,
    );
    return 2;
  }
  const selected = argv.length > 0 ? known.filter((s) => argv.includes(s.name)) : SCENARIOS;
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    process.stderr.write('DATABASE_URL is not set: run `npm run test:faults`, which provisions PostgreSQL\n');
    return 2;
  }
  if (build) {
    console.log(`${clock()} building dist/ (the scenarios run bin/opsflow.js)`);
    const tsc = require.resolve('typescript/bin/tsc');
    const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (built.status !== 0) return 1;
  }

  const outcomes: Outcome[] = [];
  for (const scenario of selected) {
    console.log(`${clock()} [${scenario.name}] ${scenario.title}`);
    outcomes.push(await runScenario(scenario, databaseUrl));
    const last = outcomes[outcomes.length - 1];
    for (const c of last.checks) {
      console.log(`${clock()} [${scenario.name}] ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
    }
    if (last.error) console.log(`${clock()} [${scenario.name}] ERROR ${last.error}`);
    console.log(
      `${clock()} [${scenario.name}] ${last.passed ? 'passed' : 'FAILED'} in ${last.seconds.toFixed(0)} s`,
    );
  }
  console.log(`\n${table(outcomes)}\n`);
  const failed = outcomes.filter((o) => !o.passed).length;
  console.log(
    failed === 0
      ? `fault tests: ${outcomes.length} passed in ${((Date.now() - started) / 1000).toFixed(0)} s`
      : `fault tests: ${failed} of ${outcomes.length} FAILED`,
  );
  return failed === 0 ? 0 : 1;
}

async function runScenario(scenario: Scenario, databaseUrl: string): Promise<Outcome> {
  const begin = Date.now();
  const dir = mkdtempSync(join(tmpdir(), `opsflow-faults-${scenario.name}-`));
  const cleanup: (() => Promise<void> | void)[] = [];
  const ctx: FaultContext = {
    name: scenario.name,
    dir,
    root,
    databaseUrl,
    log: (line) => console.log(`${clock()} [${scenario.name}] ${line}`),
    defer: (step) => {
      cleanup.push(step);
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const timeoutMs = scenario.timeoutMs ?? SCENARIO_TIMEOUT_MS;
  try {
    const result = await Promise.race([
      scenario.run(ctx),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
    const { figures } = result;
    const passed = result.checks.every((c) => c.ok) && figures.lost === 0 && figures.duplicates === 0;
    return { scenario, passed, seconds: (Date.now() - begin) / 1000, figures, checks: result.checks };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return { scenario, passed: false, seconds: (Date.now() - begin) / 1000, checks: [], error };
  } finally {
    clearTimeout(timer);
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch (err) {
        ctx.log(`cleanup: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(outcomes: readonly Outcome[]): string {
  const header = [
    'scenario',
    'result',
    'sent',
    'acked',
    'stored',
    'routed 1x',
    'runs',
    'effects',
    'redeliv.',
    'dup',
    'lost',
    'time',
    'notes',
  ];
  const n = (v: number | undefined): string => (v === undefined ? '-' : String(v));
  const rows = outcomes.map((o) => {
    const f = o.figures;
    const notes = f?.notes ? Object.entries(f.notes).map(([k, v]) => `${k}=${v}`) : [];
    if (o.error) notes.push(`error: ${o.error.split('\n')[0].slice(0, 80)}`);
    return [
      o.scenario.name,
      o.passed ? 'pass' : 'FAIL',
      n(f?.sent),
      n(f?.acknowledged),
      n(f?.stored),
      n(f?.routedOnce),
      n(f?.runs),
      n(f?.effects),
      n(f?.redeliveries),
      n(f?.duplicates),
      n(f?.lost),
      `${o.seconds.toFixed(0)}s`,
      notes.join(' '),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Temporal connections and pools left behind by a failed scenario must not keep us alive.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
