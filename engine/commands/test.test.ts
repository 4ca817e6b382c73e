import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRuleSet, parseRuleTests } from '../../dsl';
import { projectRoot } from '../paths';
import { readRuleSet } from '../rule-files';
import { quietTemporalRuntime } from '../temporal/testing/quiet-runtime';
import { runCli } from './testing/run-cli';

// `opsflow test` on the real time-skipping server and the real interpreter workflow.
quietTemporalRuntime('ERROR');

const RULES = `event ticket.opened {
  ticket_id: string
  priority: string
}

event ticket.resolved {
  ticket_id: string
}

action tickets.escalate(id: string) -> { ok: bool }

rule escalate
  on ticket.opened
  when event.priority == "urgent"
do
  wait for ticket.resolved as r where r.ticket_id == event.ticket_id within 4h
    on timeout
      call tickets.escalate(id: event.ticket_id)
    end
end
`;

describe('opsflow test', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'opsflow-test-'));
    writeFileSync(join(dir, 'tickets.rule'), RULES);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes every test of the example rule set, weeks of run time in seconds', async () => {
    const result = await runCli(['test', 'rules'], projectRoot());
    expect(result.stdout).not.toMatch(/^FAIL/m);
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    expect(result.code).toBe(0);
  }, 180_000);

  it('runs one test file in the context of its folder, and picks tests by name with --filter', async () => {
    const one = await runCli(['test', 'rules/risk.test.yaml'], projectRoot());
    expect(one.code).toBe(0);
    const ran = one.stdout.match(/^pass {2}.*\((\w+),/gm) ?? [];
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((line) => line.includes('(hold_high_risk_order,'))).toBe(true);

    const picked = await runCli(['test', 'rules', '--filter', 'WEEKEND promotion'], projectRoot());
    expect(picked.code).toBe(0);
    expect(picked.stdout).toMatch(/^pass {2}the weekend promotion runs from Friday evening/m);
    expect(picked.stdout).toMatch(/^1 passed, 0 failed$/m);

    const none = await runCli(['test', 'rules', '--filter', 'no such test'], projectRoot());
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no rule test named like "no such test"');
  }, 180_000);

  it('has tests for every rule of the example set', () => {
    const read = readRuleSet(['rules'], projectRoot());
    const rules = compileRuleSet(read.files).rules.map((r) => r.name);
    const tested = new Set(
      read.files
        .filter((f) => f.path.endsWith('.test.yaml'))
        .flatMap((f) => parseRuleTests(f.path, f.content).tests.map((t) => t.rule)),
    );
    expect(rules.filter((name) => !tested.has(name))).toEqual([]);
  });

  it('reports a failing test with a diff of the calls, and exits 1', async () => {
    writeFileSync(
      join(dir, 'tickets.test.yaml'),
      `test: escalates after 4h
rule: escalate
trigger: { event: ticket.opened, data: { ticket_id: T-1, priority: urgent } }
timeline:
  - after: 3h
    event: ticket.resolved
    data: { ticket_id: T-1 }
expect:
  status: completed
  calls:
    - action: tickets.escalate
      with: { id: T-1 }
---
test: urgent tickets resolved in time are not escalated
rule: escalate
trigger: { event: ticket.opened, data: { ticket_id: T-2, priority: urgent } }
timeline:
  - after: 3h
    event: ticket.resolved
    data: { ticket_id: T-2 }
expect:
  status: completed
  calls: []
`,
    );
    const result = await runCli(['test', '.'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL {2}escalates after 4h {2}\(escalate, 3h of run time in [\d.]+s\)$/m);
    expect(result.stdout).toMatch(
      /calls differ \(- expected, \+ actual\):\n\s+- tickets\.escalate with \{"id":"T-1"\}/,
    );
    expect(result.stdout).toMatch(/^pass {2}urgent tickets resolved in time are not escalated/m);
    expect(result.stdout).toMatch(/^1 passed, 1 failed$/m);
  }, 60_000);

  it('reports test files that do not fit their rule as located diagnostics', async () => {
    writeFileSync(
      join(dir, 'bad.test.yaml'),
      `test: wrong rule
rule: escalat
trigger: { event: ticket.opened, data: { ticket_id: T-1, priority: urgent } }
expect: { status: completed }
---
test: wrong data
rule: escalate
trigger: { event: ticket.opened, data: { ticket_id: 7 } }
expect: { status: completed }
`,
    );
    const result = await runCli(['test', '.'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^bad\.test\.yaml:2:7: error test-invalid: test 'wrong rule': unknown rule 'escalat'; did you mean 'escalate'\?/m,
    );
    expect(result.stdout).toMatch(
      /^bad\.test\.yaml:8:40: error test-invalid: .*data\.ticket_id must be text.*data\.priority is required/m,
    );
  });
});
