import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withoutSpans } from '../../dsl';
import { projectRoot } from '../paths';
import { runCli } from './testing/run-cli';

const CATALOG = `event inventory.updated {
  sku: string
  available: int
  reorder_point: int
  reorder_qty: int
}

event purchase_order.confirmed {
  po_id: string
}

action purchasing.create_order(sku: string, quantity: int) -> { id: string }
`;

const RULE = `# reorder below the reorder point
rule restock "补货：库存低于再订货点"
  on inventory.updated
  when event.available < event.reorder_point
  key event.sku
do
  let qty = max(event.reorder_qty, event.reorder_point * 2 - event.available)
  let po = call purchasing.create_order(sku: event.sku, quantity: qty) retry 5 every 30s backoff 2 timeout 2m
  wait for purchase_order.confirmed as c where c.po_id == po.id within 2d
    on timeout
      call notify.slack(channel: "#ops", text: "PO \${po.id} for \${event.sku} is not confirmed")
    end
end
`;

describe('opsflow compile and fmt', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'opsflow-fmt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string): void => writeFileSync(join(dir, name), content);
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');

  it('compiles the example rule set to JSON with stable key order and no absolute paths', async () => {
    const first = await runCli(['compile', 'rules'], projectRoot());
    expect(first.code).toBe(0);
    const ir = JSON.parse(first.stdout) as { irVersion: number; rules: { name: string; hash: string }[] };
    expect(ir.irVersion).toBe(1);
    expect(ir.rules.length).toBeGreaterThanOrEqual(10);
    expect(first.stdout).not.toContain(projectRoot());
    expect(first.stdout).toMatch(/"file": "replenishment\.rule"/);
    const second = await runCli(['compile', 'rules'], projectRoot());
    expect(second.stdout).toBe(first.stdout);
  });

  it('translates DSL to YAML and back: the formatted original, and the same IR', async () => {
    write('catalog.rule', CATALOG);
    write('restock.rule', RULE);
    const formatted = await runCli(['fmt', 'restock.rule'], dir);
    expect(formatted.code).toBe(0);
    const yaml = await runCli(['fmt', '--to', 'yaml', 'restock.rule'], dir);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(/^rule: restock$/m);
    write('restock-copy.rule.yaml', yaml.stdout);
    const back = await runCli(['fmt', '--to', 'dsl', 'restock-copy.rule.yaml'], dir);
    expect(back.stdout).toBe(formatted.stdout);
    rmSync(join(dir, 'restock-copy.rule.yaml'));

    const dslIr = JSON.parse((await runCli(['compile', 'restock.rule'], dir)).stdout) as { rules: object[] };
    rmSync(join(dir, 'restock.rule'));
    write('restock.rule.yaml', yaml.stdout);
    const yamlIr = JSON.parse((await runCli(['compile', '.'], dir)).stdout) as { rules: object[] };
    expect(withoutSpans(yamlIr.rules)).toEqual(withoutSpans(dslIr.rules));
  });

  it('is idempotent and keeps Chinese text', async () => {
    write('restock.rule', RULE);
    const once = (await runCli(['fmt', 'restock.rule'], dir)).stdout;
    expect(once).toContain('补货：库存低于再订货点');
    write('again.rule', once);
    expect((await runCli(['fmt', 'again.rule'], dir)).stdout).toBe(once);
    const yaml = (await runCli(['fmt', '--to', 'yaml', 'restock.rule'], dir)).stdout;
    write('again.rule.yaml', yaml);
    expect((await runCli(['fmt', 'again.rule.yaml'], dir)).stdout).toBe(yaml);
  });

  it('rewrites in place with --write, and a translation replaces the file under its new name', async () => {
    write('restock.rule', RULE.replace('  key event.sku\n', '     key    event.sku\n'));
    expect((await runCli(['fmt', '--write', 'restock.rule'], dir)).code).toBe(0);
    expect(read('restock.rule')).toMatch(/^ {2}key event\.sku$/m);
    expect((await runCli(['fmt', '--to', 'yaml', '--write', 'restock.rule'], dir)).code).toBe(0);
    expect(readdirSync(dir)).toEqual(['restock.rule.yaml']);
    expect((await runCli(['fmt', '--to', 'dsl', '--write', 'restock.rule.yaml'], dir)).code).toBe(0);
    expect(readdirSync(dir)).toEqual(['restock.rule']);
  });

  it('keeps comments with --write, formatting and translating both ways', async () => {
    const commented = `# 补货规则：库存低于再订货点时下单
rule restock "补货"  # owned by ops
  on inventory.updated
  # 2x the shortfall, as purchasing asked (OPS-12)
  when event.available < event.reorder_point
do
      let qty = max(event.reorder_qty, event.reorder_point * 2 - event.available)   # never 0
  if qty > 100
    # big orders wait for a human
    log "big"
  else
    # nothing special
  end
end

# more rules below
`;
    const formatted = commented
      .replace('      let qty', '  let qty')
      .replace('available)   #', 'available)  #');
    write('restock.rule', commented);
    expect((await runCli(['fmt', '--write', 'restock.rule'], dir)).code).toBe(0);
    expect(read('restock.rule')).toBe(formatted);
    expect((await runCli(['fmt', '--check', 'restock.rule'], dir)).code).toBe(0);

    expect((await runCli(['fmt', '--to', 'yaml', '--write', 'restock.rule'], dir)).code).toBe(0);
    const yaml = read('restock.rule.yaml');
    for (const comment of [
      '# 补货规则：库存低于再订货点时下单',
      'rule: restock  # owned by ops',
      '# big orders wait for a human',
      '# nothing special',
      '# more rules below',
    ]) {
      expect(yaml).toContain(comment);
    }
    expect((await runCli(['fmt', '--check', 'restock.rule.yaml'], dir)).code).toBe(0);
    expect((await runCli(['fmt', '--to', 'dsl', '--write', 'restock.rule.yaml'], dir)).code).toBe(0);
    expect(read('restock.rule')).toBe(formatted);
  });

  it('does not overwrite an existing file with a translation', async () => {
    write('restock.rule', RULE);
    write('restock.rule.yaml', '# mine\n');
    const result = await runCli(['fmt', '--to', 'yaml', '--write', 'restock.rule'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/restock\.rule\.yaml already exists/);
    expect(read('restock.rule.yaml')).toBe('# mine\n');
    expect(read('restock.rule')).toBe(RULE);
  });

  it('reports --check differences with exit 1 and writes nothing', async () => {
    write('messy.rule', RULE.replace('do\n', 'do\n\n\n'));
    const before = read('messy.rule');
    const result = await runCli(['fmt', '--check', 'messy.rule'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/messy\.rule: not formatted/);
    expect(read('messy.rule')).toBe(before);
  });

  it('leaves a file that does not parse untouched, with located diagnostics and exit 1', async () => {
    write('broken.rule', 'rule r\n  on x.y\ndo\n  let = 3\nend\n');
    const result = await runCli(['fmt', '--write', 'broken.rule'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^broken\.rule:4:\d+: error /m);
    expect(read('broken.rule')).toBe('rule r\n  on x.y\ndo\n  let = 3\nend\n');
    expect(existsSync(join(dir, 'broken.rule.yaml'))).toBe(false);
  });

  it('exits 2 for files that are not rule files', async () => {
    write('notes.txt', 'hello');
    expect((await runCli(['fmt', 'notes.txt'], dir)).code).toBe(2);
  });
});
