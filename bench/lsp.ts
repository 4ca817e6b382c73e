/**
 * `npm run bench:lsp`: `opsflow lsp` answering an editor on a generated 200-rule set, measured
 * from a client over stdio (the real CLI as a child process, JSON-RPC with
 * vscode-languageserver-protocol), as VS Code would see it. Figures: completion (after `event.`
 * and after `call `) and hover, p99 per round of requests, target ≤ 50 ms; and the time from a
 * change to the diagnostics of the whole set re-checked (no target: it is debounced anyway).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompletionRequest, HoverRequest, type CompletionList } from 'vscode-languageserver-protocol/node';
import { LspClient } from '../lsp/testing/lsp-client';
import { machine, markdownTable, progress, saveReport, summarize, type BenchmarkReport } from './harness';

const RULES = Number(process.env.BENCH_LSP_RULES ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REQUESTS = Number(process.env.BENCH_LSP_REQUESTS ?? 100);
const TYPES = 20;
const PER_FILE = 10;

function catalog(): string {
  const fields = '  sku: string\n  qty: int\n  total: number\n  country: string\n  vip: bool\n  coupon: string?\n  tags: list<string>\n  customer: { tier: string, orders: int }\n'; // prettier-ignore
  return Array.from({ length: TYPES }, (_, t) => `event shop.e${t} {\n${fields}}\n`).join('\n');
}

function rule(i: number): string {
  return `rule rule_${i} "generated rule ${i}"
  on shop.e${i % TYPES}
  when event.qty > ${i % 7} and event.country == "CN"
  key event.sku
do
  let amount = event.total * 2
  let po = call purchasing.create_order(sku: event.sku, quantity: event.qty + ${i})
  if event.vip
    call notify.slack(channel: "#ops", text: "\${event.sku}: \${po.id} for \${amount}")
  end
  log "done \${event.customer.tier}"
end
`;
}

/** The rule set on disk: 200 rules in 20 files, the catalog, a connector. */
function writeRuleSet(dir: string): void {
  mkdirSync(join(dir, 'rules'), { recursive: true });
  writeFileSync(join(dir, 'catalog.rule'), catalog());
  copyFileSync(
    join(__dirname, '..', 'rules', 'purchasing.connector.yaml'),
    join(dir, 'purchasing.connector.yaml'),
  );
  for (let f = 0; f < RULES / PER_FILE; f++) {
    const rules = Array.from({ length: PER_FILE }, (_, k) => rule(f * PER_FILE + k)).join('\n');
    writeFileSync(join(dir, 'rules', `set-${f}.rule`), rules);
  }
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function benchLsp(): Promise<BenchmarkReport> {
  const dir = mkdtempSync(join(tmpdir(), 'opsflow-bench-lsp-'));
  writeRuleSet(dir);
  const client = await LspClient.start(dir);
  try {
    const file = 'rules/set-0.rule';
    const original = Array.from({ length: PER_FILE }, (_, k) => rule(k)).join('\n');
    // The file being typed in: `event.` and `call ` typed on new lines of its first rule.
    const typing = original.replace('  log "done', '  log event.\n  call \n  log "done');
    await client.open(file, typing);
    await client.diagnosticsFor(file, () => true, 60_000);
    const uri = client.uri(file);
    const lines = typing.split('\n');
    const eventLine = lines.findIndex((l) => l === '  log event.');
    const callLine = lines.findIndex((l) => l === '  call ');
    const completions = [
      { line: eventLine, character: '  log event.'.length, expect: 'customer' },
      { line: callLine, character: '  call '.length, expect: 'purchasing.create_order' },
    ];
    const hovers = [
      { line: 1, character: 7 }, // the event type after `on`
      { line: 2, character: 14 }, // a field
      { line: 5, character: 7 }, // a let name
      { line: 6, character: 20 }, // an action
    ];
    progress(`${RULES} rules: ${ROUNDS} rounds × ${REQUESTS} completions and ${REQUESTS} hovers over stdio`);
    const complete = async (k: number) => {
      const at = completions[k % completions.length];
      const r = await client.connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri },
        position: at,
      });
      const items = Array.isArray(r) ? r : ((r as CompletionList | null)?.items ?? []);
      if (!items.some((i) => i.label === at.expect))
        throw new Error(`completion at ${at.line} lacks ${at.expect}`);
    };
    const hover = async (k: number) => {
      const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: hovers[k % hovers.length] }); // prettier-ignore
      if (!h) throw new Error(`no hover at ${JSON.stringify(hovers[k % hovers.length])}`);
    };
    for (let k = 0; k < 20; k++) {
      await complete(k);
      await hover(k);
    }
    const completionP99: number[] = [];
    const hoverP99: number[] = [];
    const recheck: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const c: number[] = [];
      const h: number[] = [];
      for (let k = 0; k < REQUESTS; k++) {
        c.push(await timed(() => complete(k)));
        h.push(await timed(() => hover(k)));
      }
      completionP99.push(p99(c));
      hoverP99.push(p99(h));
      // A change to the catalog re-checks all the rules; includes the 150 ms debounce.
      // Even rounds remove a field every rule reads (200 errors), odd rounds put it back.
      const changed = round % 2 === 0 ? catalog().replace(/ {2}country: string\n/g, '') : catalog();
      const before = client.diagnostics.get(client.uri('rules/set-1.rule'));
      recheck.push(
        await timed(async () => {
          await client.open('catalog.rule', changed);
          await client.diagnosticsFor('rules/set-1.rule', (d) => d !== before, 60_000);
        }),
      );
    }
    const cp = summarize(completionP99);
    const hp = summarize(hoverP99);
    return {
      benchmark: 'lsp',
      at: new Date().toISOString(),
      machine: machine(),
      figures: [
        { figure: `completion (\`event.\`, \`call \`), p99 of ${REQUESTS} per round, ${RULES} rules, over stdio`, unit: 'ms', ours: cp, target: '≤ 50 ms', met: cp.median <= 50 }, // prettier-ignore
        { figure: `hover, p99 of ${REQUESTS} per round, ${RULES} rules, over stdio`, unit: 'ms', ours: hp, target: '≤ 50 ms', met: hp.median <= 50 }, // prettier-ignore
        { figure: `catalog change → diagnostics of ${RULES} rules re-checked (150 ms debounce included)`, unit: 'ms', ours: summarize(recheck) }, // prettier-ignore
      ],
    };
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchLsp()
    .then((report) => {
      saveReport(report);
      process.stdout.write(markdownTable([report]));
    })
    .catch((err: unknown) => {
      process.stderr.write(`bench:lsp failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    });
}
