/**
 * `npm run bench:guards`: 1,000 generated rules × 100,000 events through the guard evaluation the
 * router does (its rule index's fast guards on one scope per event), against the same conditions in
 * json-rules-engine 7 and as hand-written JavaScript closures. Targets: ≥ 20× faster than
 * json-rules-engine, ≤ 2× the time of the closures.
 *
 * The shape is the router's: rules are spread over 100 event types (10 per type) and each event is
 * evaluated against the rules of its type, found through the same `Map` for all three sides.
 * json-rules-engine is measured on a sample of the events (its `run` is asynchronous and about a
 * thousand times slower; the full set would take minutes per round) and reported per evaluation,
 * like the others. Before timing, the three sides must agree on every count of true guards.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from 'json-rules-engine';
import {
  compileRuleSet,
  type EvalContext,
  evaluateCondition,
  type ExprIR,
  type RuleSetInput,
  type Value,
} from '../dsl';
import type { StoredEventRow } from '../engine/ingest/stored-event';
import { indexRules, type RuleIndex } from '../engine/registry/active-rules';
import { eventScope } from '../engine/router/route-rule';
import { catalog, events, guard, ruleSource, TYPES, type BenchEvent } from './guards-rules';
import { machine, markdownTable, progress, saveReport, summarize, type BenchmarkReport } from './harness';

const RULES = Number(process.env.BENCH_GUARD_RULES ?? 1000);
const EVENTS = Number(process.env.BENCH_GUARD_EVENTS ?? 100_000);
const SAMPLE = Number(process.env.BENCH_GUARD_SAMPLE ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

type Closure = (data: BenchEvent['data']) => boolean;

/** The guards as compiled IR, through the real compiler, indexed by event type. */
function compileGuards(): { guards: Map<string, ExprIR[]>; index: RuleIndex } {
  const files: RuleSetInput[] = [{ path: 'catalog.rule', content: catalog() }];
  for (let i = 0; i < RULES; i++) files.push({ path: `rules/guard-${i}.rule`, content: ruleSource(i) });
  const compiled = compileRuleSet(files);
  if (compiled.rules.length !== RULES || compiled.diagnostics.some((d) => d.severity === 'error')) {
    throw new Error(`generated rules do not compile: ${compiled.diagnostics[0]?.message}`);
  }
  const index = new Map<string, ExprIR[]>();
  for (const rule of compiled.rules) {
    if (rule.trigger.kind !== 'event' || rule.guard === null) throw new Error(`${rule.name} has no guard`);
    const list = index.get(rule.trigger.event) ?? [];
    list.push(rule.guard);
    index.set(rule.trigger.event, list);
  }
  // The router's own index: what it builds from the active rules after each deploy.
  const active = compiled.rules.map((ir) => ({ name: ir.name, version: 1, enabled: true, ir }));
  return { guards: index, index: indexRules(active) };
}

/**
 * The hand-written side: real functions in a generated .js file, loaded with `require`, so V8 sees
 * them exactly as it would see closures a developer wrote.
 */
function loadClosures(): Map<string, Closure[]> {
  const file = join(tmpdir(), `opsflow-bench-guards-${process.pid}.js`);
  const body = Array.from({ length: RULES }, (_, i) => `  (e) => ${guard(i).js},`).join('\n');
  writeFileSync(file, `'use strict';\nmodule.exports = [\n${body}\n];\n`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fns = require(file) as Closure[];
  rmSync(file);
  const index = new Map<string, Closure[]>();
  fns.forEach((fn, i) => {
    const type = `shop.e${i % TYPES}`;
    index.set(type, [...(index.get(type) ?? []), fn]);
  });
  return index;
}

/** One json-rules-engine per event type holding that type's rules, as its docs suggest. */
function loadEngines(): Map<string, Engine> {
  const index = new Map<string, Engine>();
  for (let i = 0; i < RULES; i++) {
    const type = `shop.e${i % TYPES}`;
    let engine = index.get(type);
    if (!engine) {
      engine = new Engine([], { allowUndefinedFacts: true });
      // The language's `starts_with`; json-rules-engine has no such operator built in.
      engine.addOperator(
        'startsWith',
        (a: unknown, b: unknown) => typeof a === 'string' && a.startsWith(String(b)),
      );
      index.set(type, engine);
    }
    engine.addRule({ name: `guard_${i}`, conditions: guard(i).jre as never, event: { type: 'match' } });
  }
  return index;
}

const ctx: EvalContext = { now: () => Date.now() };

/**
 * Our side: exactly the router's code path — its rule index (`routesFor`, fast guards built once
 * per deploy) and its per-event scope (`eventScope`), shared by the event's rules.
 */
function runFast(evs: readonly BenchEvent[], index: RuleIndex): number {
  let matched = 0;
  for (const ev of evs) {
    const targets = index.routesFor(ev.type);
    if (targets.length === 0) continue;
    const { scope, ctx } = eventScope({ data: ev.data } as unknown as StoredEventRow);
    for (let j = 0; j < targets.length; j++) {
      const guard = targets[j].guard;
      if (guard !== undefined && guard(scope, ctx)) matched++;
    }
  }
  return matched;
}

/** The router without the fast tier: the IR tree-walking evaluator. */
function runEvaluator(evs: readonly BenchEvent[], index: Map<string, ExprIR[]>): number {
  let matched = 0;
  for (const ev of evs) {
    for (const g of index.get(ev.type) ?? []) {
      if (evaluateCondition(g, { event: ev.data as unknown as Value }, ctx)) matched++;
    }
  }
  return matched;
}

function runClosures(evs: readonly BenchEvent[], index: Map<string, Closure[]>): number {
  let matched = 0;
  for (const ev of evs) {
    const fns = index.get(ev.type);
    if (fns === undefined) continue;
    for (let j = 0; j < fns.length; j++) if (fns[j](ev.data)) matched++;
  }
  return matched;
}

async function runEngines(evs: readonly BenchEvent[], index: Map<string, Engine>): Promise<number> {
  let matched = 0;
  for (const ev of evs) {
    const engine = index.get(ev.type);
    if (engine === undefined) continue;
    const result = await engine.run({ ...ev.data });
    matched += result.events.length;
  }
  return matched;
}

function evaluations(evs: readonly BenchEvent[], index: Map<string, unknown[]>): number {
  return evs.reduce((n, ev) => n + (index.get(ev.type)?.length ?? 0), 0);
}

async function nsPer(count: number, job: () => unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  await job();
  return Number(process.hrtime.bigint() - t0) / count;
}

export async function benchGuards(): Promise<BenchmarkReport> {
  progress(`compiling ${RULES} rules over ${TYPES} event types; generating ${EVENTS} events`);
  const { guards: irGuards, index } = compileGuards();
  const closures = loadClosures();
  const engines = loadEngines();
  const all = events(EVENTS);
  const sample = all.slice(0, SAMPLE);
  const total = evaluations(all, irGuards);
  const sampled = evaluations(sample, irGuards);

  progress('checking that all sides agree');
  const counts = {
    fast: runFast(all, index),
    closures: runClosures(all, closures),
    sampleFast: runFast(sample, index),
    sampleEvaluator: runEvaluator(sample, irGuards),
    sampleEngine: await runEngines(sample, engines),
  };
  if (
    counts.fast !== counts.closures ||
    counts.sampleFast !== counts.sampleEvaluator ||
    counts.sampleFast !== counts.sampleEngine
  ) {
    throw new Error(`the sides disagree on the guards that hold: ${JSON.stringify(counts)}`);
  }
  progress(`${counts.fast} of ${total} guards hold; all sides agree`);

  const ours: number[] = [];
  const oursOnSample: number[] = [];
  const hand: number[] = [];
  const jre: number[] = [];
  const tree: number[] = [];
  const vsHand: number[] = [];
  const vsJre: number[] = [];
  const vsTree: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    // Round 0 is the warm-up; the sides alternate within each round so drifting load hits all.
    if (round > 0)
      progress(`round ${round}/${ROUNDS}: ${total} evaluations each, json-rules-engine ${sampled}`);
    const o = await nsPer(total, () => runFast(all, index));
    const h = await nsPer(total, () => runClosures(all, closures));
    const j = await nsPer(sampled, () => runEngines(sample, engines));
    const t = await nsPer(sampled, () => runEvaluator(sample, irGuards));
    // The sampled baselines are compared with ours on the same sample (it stays in cache, unlike
    // the 100,000 events).
    const os = await nsPer(sampled, () => runFast(sample, index));
    if (round === 0) continue;
    ours.push(o);
    oursOnSample.push(os);
    hand.push(h);
    jre.push(j);
    tree.push(t);
    vsHand.push(o / h);
    vsJre.push(os / j);
    vsTree.push(os / t);
  }
  const oursSample = summarize(ours);
  const ratioHand = summarize(vsHand).median;
  const ratioJre = summarize(vsJre).median;
  const label = `${RULES} rules × ${EVENTS} events, ns per guard`;
  return {
    benchmark: 'guards',
    at: new Date().toISOString(),
    machine: machine(),
    figures: [
      {
        figure: `${RULES} rules × ${SAMPLE} sampled events, ns per guard vs json-rules-engine 7`,
        unit: 'ns',
        ours: summarize(oursOnSample),
        baseline: { ...summarize(jre), name: 'json-rules-engine 7' },
        ratio: ratioJre,
        target: '≤ 0.05× (≥ 20× faster)',
        met: ratioJre <= 0.05,
      },
      {
        figure: `${label} vs hand-written closures`,
        unit: 'ns',
        ours: oursSample,
        baseline: { ...summarize(hand), name: 'hand-written JS closures' },
        ratio: ratioHand,
        target: '≤ 2×',
        met: ratioHand <= 2,
      },
      {
        figure: `${RULES} rules × ${SAMPLE} sampled events, ns per guard vs the IR evaluator (the router before)`,
        unit: 'ns',
        ours: summarize(oursOnSample),
        baseline: { ...summarize(tree), name: 'evaluateCondition' },
        ratio: summarize(vsTree).median,
      },
    ],
  };
}

if (require.main === module) {
  benchGuards()
    .then((report) => {
      saveReport(report);
      process.stdout.write(markdownTable([report]));
    })
    .catch((err: unknown) => {
      process.stderr.write(`bench:guards failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    });
}
