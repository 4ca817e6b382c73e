/**
 * `npm run bench:console`: the console's budgets (issue 15), in Debian's Chromium against
 * `opsflow start` on a fresh data dir.
 *
 * - First load: the JS and CSS the browser fetches to show the sign-in page, each gzipped
 *   (level 9, as a compressing proxy would serve it): ≤ 200 KB.
 * - The runs page with 10,000 runs in the store: from navigation start to the first page's 20
 *   rows in the table, signed in, over several rounds (a fresh page each round, assets cached as a
 *   returning user has them): ≤ 1 s. The baseline is the API's own p50 for the same query
 *   (`GET /v1/runs?limit=20`), measured from Node in the same rounds.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Client, Connection } from '@temporalio/client';
import { compileRuleSet } from '../dsl';
import { startMemo, startSearchAttributes } from '../engine/router/run-attributes';
import { INTERPRETER_WORKFLOW_TYPE, type RunInput } from '../workflows/contract';
import { ADMIN_TOKEN, launchChromium, provisionTools, startOpsflow } from '../console/test/stack';
import { machine, progress, saveReport, summarize, markdownTable, type BenchmarkReport } from './harness';

const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_CONSOLE_ROUNDS ?? 7);
const RULE = `rule tick "A run for the store"
  manual(n: int)
do
  log "tick \${input.n}"
end
`;

/**
 * The store: RUNS manual runs of `tick`, started as `POST /v1/rules/tick/runs` starts them (same
 * workflow type, input, memo and search attributes, engine/router/manual.ts) but straight on the
 * Temporal client, 32 at a time: through the API's one embedded PGlite it would take ten minutes
 * on this machine, and what is measured is reading them.
 */
async function fillStore(address: string, taskQueue: string): Promise<void> {
  const compiled = compileRuleSet([{ path: 'tick.rule', content: RULE }]);
  if (compiled.diagnostics.length > 0) throw new Error(JSON.stringify(compiled.diagnostics));
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const started = Date.now();
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < RUNS) {
          const n = next++;
          const input: RunInput = {
            rule: compiled.rules[0],
            version: 1,
            trigger: { kind: 'manual', input: { n }, by: 'bench' },
            causalDepth: 0,
          };
          await client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
            taskQueue,
            workflowId: `opsflow/tick/manual/${randomUUID()}`,
            args: [input],
            memo: startMemo(input, { manual: true }),
            typedSearchAttributes: startSearchAttributes(input),
          });
          if (n % 2000 === 1999)
            progress(`${n + 1} runs started (${((Date.now() - started) / 1000).toFixed(0)} s)`);
        }
      }),
    );
    // Measured on a quiet store: every run has completed.
    for (;;) {
      const { count } = await client.workflow.count('ExecutionStatus="Running"');
      if (count === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } finally {
    await connection.close();
  }
  progress(`${RUNS} runs in the store in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

export async function benchConsole(): Promise<BenchmarkReport> {
  const tools = provisionTools();
  const server = await startOpsflow({ 'tick.rule': RULE }, { OPSFLOW_LOG_LEVEL: 'warn' }, tools.temporalCli);
  const browser = await launchChromium(tools.chromium);
  try {
    await fillStore(server.temporalAddress, server.taskQueue);

    // First load: what the sign-in page makes the browser fetch.
    const fresh = await browser.newContext();
    const page = await fresh.newPage();
    const assets: { url: string; gzipped: number }[] = [];
    page.on('response', (response) => {
      const type = response.request().resourceType();
      if (type === 'script' || type === 'stylesheet') {
        assets.push({ url: response.url(), gzipped: -1 });
        const entry = assets[assets.length - 1];
        void response.body().then((body) => {
          entry.gzipped = gzipSync(body, { level: 9 }).length;
        });
      }
    });
    await page.goto(`${server.baseUrl}/console`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    while (assets.some((a) => a.gzipped < 0)) await new Promise((resolve) => setTimeout(resolve, 50));
    if (assets.some((a) => !a.url.startsWith(server.baseUrl)))
      throw new Error('the console loaded a file from elsewhere');
    const firstLoadKb = assets.reduce((sum, a) => sum + a.gzipped, 0) / 1024;
    await fresh.close();

    // The runs page, signed in, against the API's own time for the same query.
    const context = await browser.newContext();
    // Signed in: the token where the console keeps it (console/src/api.ts).
    await context.addInitScript({
      content: `sessionStorage.setItem('opsflow.token', ${JSON.stringify(ADMIN_TOKEN)})`,
    });
    const pageMs: number[] = [];
    const apiMs: number[] = [];
    const apiRound = async (): Promise<void> => {
      const times: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        const res = await fetch(`${server.baseUrl}/v1/runs?limit=20`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        const body = (await res.json()) as { runs: unknown[] };
        if (body.runs.length !== 20) throw new Error(`GET /v1/runs answered ${body.runs.length} runs`);
        times.push(performance.now() - t0);
      }
      apiMs.push(summarize(times).median);
    };
    // A signed-in tab: each round reloads /console/runs (the token and whoami kept in the tab).
    const tab = await context.newPage();
    await tab.goto(`${server.baseUrl}/console/runs`);
    const pageRound = async (): Promise<number> => {
      await tab.reload({ waitUntil: 'commit' });
      // A locator, not waitForFunction: the console's CSP (no eval) refuses Playwright's predicate.
      await tab.locator('table.runs tbody tr a').nth(19).waitFor({ timeout: 30_000 });
      return tab.evaluate(() => performance.now());
    };
    await pageRound(); // warm-up: the assets into the cache, the API's first query
    await apiRound();
    for (let i = 0; i < ROUNDS; i++) {
      pageMs.push(await pageRound());
      await apiRound();
      progress(
        `round ${i + 1}/${ROUNDS}: page ${pageMs[i].toFixed(0)} ms, API p50 ${apiMs[i].toFixed(0)} ms`,
      );
    }
    const ours = summarize(pageMs);
    const api = summarize(apiMs);
    return {
      benchmark: 'console',
      at: new Date().toISOString(),
      machine: machine(),
      figures: [
        {
          figure: `first load: JS + CSS gzipped (${assets.length} files)`,
          unit: 'KB',
          ours: summarize([firstLoadKb]),
          target: '≤ 200 KB',
          met: firstLoadKb <= 200,
        },
        {
          figure: `runs page, first page (20 rows) rendered from navigation start, ${RUNS.toLocaleString('en')} runs in the store`,
          unit: 'ms',
          ours,
          baseline: { ...api, name: 'API p50 of GET /v1/runs?limit=20' },
          ratio: ours.median / api.median,
          target: '≤ 1 s',
          met: ours.median <= 1000,
        },
      ],
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}

if (require.main === module) {
  benchConsole()
    .then((report) => {
      saveReport(report);
      process.stdout.write(markdownTable([report]));
    })
    .catch((error: unknown) => {
      process.stderr.write(`bench console failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    });
}
