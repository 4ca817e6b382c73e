/**
 * A small benchmark harness: each figure is measured after a warm-up, over several rounds, and
 * reported as the median with its spread (min–max). Figures that matter are ratios against a
 * baseline measured in the same process, because absolute times on a 2-core machine are noisy.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

export interface Sample {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly rounds: number;
}

export interface Figure {
  /** What is measured, e.g. `check + compile, ms per rule`. */
  readonly figure: string;
  readonly unit: string;
  readonly ours: Sample;
  readonly baseline?: Sample & { readonly name: string };
  /** ours / baseline (for times: lower is better), or the value itself without a baseline. */
  readonly ratio?: number;
  /** Human-readable target, e.g. `≤ 3×`. */
  readonly target?: string;
  readonly met?: boolean;
}

export interface BenchmarkReport {
  readonly benchmark: string;
  readonly at: string;
  readonly machine: { readonly cpus: number; readonly node: string };
  readonly figures: readonly Figure[];
}

/**
 * Measures `ours` and `baseline` in alternating rounds and takes the median of the per-round
 * ratios: on a shared 2-core machine the load drifts, and alternating keeps both sides of each
 * ratio under the same conditions.
 */
export async function measurePair(
  ours: () => unknown | Promise<unknown>,
  baseline: () => unknown | Promise<unknown>,
  rounds = 9,
  warmup = 2,
): Promise<{ ours: Sample; baseline: Sample; ratio: number }> {
  for (let i = 0; i < warmup; i++) {
    await ours();
    await baseline();
  }
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint();
    await ours();
    const t1 = process.hrtime.bigint();
    await baseline();
    const t2 = process.hrtime.bigint();
    a.push(Number(t1 - t0) / 1e6);
    b.push(Number(t2 - t1) / 1e6);
    ratios.push(Number(t1 - t0) / Number(t2 - t1));
  }
  return { ours: summarize(a), baseline: summarize(b), ratio: summarize(ratios).median };
}

export function summarize(values: readonly number[]): Sample {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], rounds: sorted.length };
}

export function scale(sample: Sample, factor: number): Sample {
  return { ...sample, median: sample.median * factor, min: sample.min * factor, max: sample.max * factor };
}

/** Progress on stderr, so the table on stdout stays clean. */
export function progress(message: string): void {
  process.stderr.write(`  … ${message}\n`);
}

const fmt = (n: number): string =>
  Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3);

export function markdownTable(reports: readonly BenchmarkReport[]): string {
  const rows = [
    '| benchmark | figure | ours (median, spread) | baseline | ratio | target | met? |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const report of reports) {
    for (const f of report.figures) {
      const ours = `${fmt(f.ours.median)} ${f.unit} (${fmt(f.ours.min)}–${fmt(f.ours.max)})`;
      const base = f.baseline ? `${f.baseline.name}: ${fmt(f.baseline.median)} ${f.unit}` : '—';
      const ratio = f.ratio === undefined ? '—' : `${fmt(f.ratio)}×`;
      const met = f.met === undefined ? '—' : f.met ? 'yes' : 'no';
      rows.push(
        `| ${report.benchmark} | ${f.figure} | ${ours} | ${base} | ${ratio} | ${f.target ?? '—'} | ${met} |`,
      );
    }
  }
  return rows.join('\n') + '\n';
}

/** Writes `bench/results/<name>.json`, merges it into `latest.json`, and rewrites `latest.md`. */
export function saveReport(report: BenchmarkReport): void {
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${report.benchmark}.json`), JSON.stringify(report, null, 2) + '\n');
  const latestFile = join(dir, 'latest.json');
  const latest: Record<string, BenchmarkReport> = existsSync(latestFile)
    ? (JSON.parse(readFileSync(latestFile, 'utf8')) as Record<string, BenchmarkReport>)
    : {};
  latest[report.benchmark] = report;
  writeFileSync(latestFile, JSON.stringify(latest, null, 2) + '\n');
  writeFileSync(join(dir, 'latest.md'), markdownTable(Object.values(latest)));
}

export function machine(): { cpus: number; node: string } {
  return { cpus: cpus().length, node: process.version };
}
