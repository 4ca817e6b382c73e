/**
 * `npm run bench`: every benchmark in turn, then the summary table (also written to
 * `bench/results/latest.md` and `latest.json`). Benchmarks never fail the build on speed: a
 * missed target shows as `no` in the table.
 */
import { benchConsole } from './console';
import { benchDebounce } from './debounce';
import { benchDsl } from './dsl';
import { benchGuards } from './guards';
import { benchIngest } from './ingest';
import { benchInterpreter } from './interpreter';
import { benchLsp } from './lsp';
import { benchScale } from './scale';
import { benchWindows } from './windows';
import { markdownTable, saveReport, type BenchmarkReport } from './harness';

const benchmarks: readonly [string, () => Promise<BenchmarkReport>][] = [
  ['dsl', benchDsl],
  ['interpreter', benchInterpreter],
  ['ingest', benchIngest],
  ['guards', benchGuards],
  ['scale', benchScale],
  ['console', benchConsole],
  ['lsp', benchLsp],
  ['windows', benchWindows],
  ['debounce', benchDebounce],
];

async function main(): Promise<void> {
  const reports: BenchmarkReport[] = [];
  const failed: string[] = [];
  for (const [i, [name, run]] of benchmarks.entries()) {
    process.stderr.write(`bench ${name} (${i + 1}/${benchmarks.length})\n`);
    // One benchmark that cannot run (a server missing) must not cost the figures of the others.
    try {
      const report = await run();
      saveReport(report);
      reports.push(report);
    } catch (err) {
      failed.push(name);
      process.stderr.write(`bench ${name} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    }
  }
  process.stdout.write('\n' + markdownTable(reports));
  if (failed.length > 0) {
    process.stderr.write(`benchmarks that did not run: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
