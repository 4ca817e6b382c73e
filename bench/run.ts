/**
 * `npm run bench`: every benchmark in turn, then the summary table (also written to
 * `bench/results/latest.md` and `latest.json`). Benchmarks never fail the build on speed: a
 * missed target shows as `no` in the table.
 */
import { benchDsl } from './dsl';
import { benchIngest } from './ingest';
import { benchInterpreter } from './interpreter';
import { markdownTable, saveReport, type BenchmarkReport } from './harness';

const benchmarks: readonly [string, () => Promise<BenchmarkReport>][] = [
  ['dsl', benchDsl],
  ['interpreter', benchInterpreter],
  ['ingest', benchIngest],
];

async function main(): Promise<void> {
  const reports: BenchmarkReport[] = [];
  for (const [name, run] of benchmarks) {
    process.stderr.write(`bench ${name}\n`);
    const report = await run();
    saveReport(report);
    reports.push(report);
  }
  process.stdout.write('\n' + markdownTable(reports));
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
