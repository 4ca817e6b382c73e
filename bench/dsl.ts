/**
 * `npm run bench:dsl`: check + compile 1,000 generated rules (YAML form, with a shared catalog)
 * against parsing the same YAML files with the `yaml` package alone. Target: ≤ 3×.
 */
import { parseAllDocuments } from 'yaml';
import { compileRuleSet, type RuleSetInput } from '../dsl';
import {
  machine,
  markdownTable,
  measurePair,
  progress,
  saveReport,
  scale,
  type BenchmarkReport,
} from './harness';

const RULES = 1000;

const CATALOG = `event inventory.updated {
  sku: string
  warehouse: string
  available: int
  reorder_point: int
  reorder_qty: int
  supplier: string?
}

event purchase_order.confirmed {
  po_id: string
  supplier: string
}

action purchasing.create_order(sku: string, quantity: int, supplier: string?) -> { id: string }
`;

/** A realistic rule: guard, key, let, a call with retry, a wait with a timeout branch, an if. */
function ruleYaml(i: number): string {
  return `rule: restock_${i}
description: Reorder SKU family ${i} when stock falls below the reorder point
on: inventory.updated
when: event.available < event.reorder_point and event.warehouse == "WH-${i % 7}"
key: event.sku
concurrency: single
do:
  - let: qty
    value: max(event.reorder_qty, event.reorder_point * 2 - event.available + ${i % 13})
  - call: purchasing.create_order
    as: po
    with: { sku: "\${event.sku}", quantity: "\${qty}", supplier: "\${event.supplier}" }
    retry: { attempts: 5, every: 30s, backoff: 2 }
    timeout: 2m
  - wait: purchase_order.confirmed
    as: confirmation
    where: confirmation.po_id == po.id
    within: 2d
    on_timeout:
      - call: notify.slack
        with: { channel: "#ops", text: "PO \${po.id} for \${event.sku} is not confirmed after 2 days" }
  - if: confirmation != null and qty > ${100 + i}
    then:
      - log: "large order \${po.id}: \${qty} units"
`;
}

export async function benchDsl(): Promise<BenchmarkReport> {
  const files: RuleSetInput[] = [{ path: 'catalog.rule', content: CATALOG }];
  for (let i = 0; i < RULES; i++) files.push({ path: `rules/restock-${i}.rule.yaml`, content: ruleYaml(i) });
  const check = compileRuleSet(files);
  if (check.rules.length !== RULES || check.diagnostics.length > 0) {
    throw new Error(
      `generated rules do not compile: ${check.diagnostics
        .slice(0, 3)
        .map((d) => d.message)
        .join('; ')}`,
    );
  }

  progress(`check + compile ${RULES} rules, alternating with yaml.parseAllDocuments on the same files`);
  const { ours, baseline, ratio } = await measurePair(
    () => compileRuleSet(files),
    () => {
      for (const f of files.slice(1)) parseAllDocuments(f.content);
    },
  );

  const perRule = scale(ours, 1 / RULES);
  const basePerRule = scale(baseline, 1 / RULES);
  return {
    benchmark: 'dsl',
    at: new Date().toISOString(),
    machine: machine(),
    figures: [
      {
        figure: `check + compile ${RULES} YAML rules, per rule`,
        unit: 'ms',
        ours: perRule,
        baseline: { ...basePerRule, name: 'yaml package parse only' },
        ratio,
        target: '≤ 3×',
        met: ratio <= 3,
      },
    ],
  };
}

if (require.main === module) {
  benchDsl()
    .then((report) => {
      saveReport(report);
      process.stdout.write(markdownTable([report]));
    })
    .catch((err: unknown) => {
      process.stderr.write(`bench:dsl failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    });
}
