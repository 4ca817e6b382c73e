import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../paths';
import { runCli } from './testing/run-cli';

const EVENTS = `event ticket.opened {
  ticket_id: string
  priority: string
}
`;

describe('opsflow check', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'opsflow-check-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, content: string): void {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }

  it('accepts the example rule set with exit 0', async () => {
    const result = await runCli(['check', 'rules'], projectRoot());
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/checked \d+ file\(s\), 1\d rule\(s\): ok/);
  });

  it('checks all files together: a rule may use an event declared in another file', async () => {
    write('catalog.rule', EVENTS);
    write('rules/escalate.rule', 'rule r\n  on ticket.opened\ndo\n  log "ticket ${event.ticket_id}"\nend\n');
    expect((await runCli(['check', '.'], dir)).code).toBe(0);
  });

  it('reports errors as FILE:LINE:COLUMN: error CODE: message with the line and a caret, exit 1', async () => {
    write('catalog.rule', EVENTS);
    write('r.rule', 'rule r\n  on ticket.opened\n  when event.prioirty == "urgent"\ndo\nend\n');
    const result = await runCli(['check', '.'], dir);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^r\.rule:3:14: error unknown-field: .*prioirty.*did you mean .*priority/);
    expect(lines[1]).toBe('    when event.prioirty == "urgent"');
    expect(lines[2]).toBe('               ^~~~~~~~');
  });

  it('gives diagnostics as JSON with --format json', async () => {
    write('catalog.rule', EVENTS);
    write('r.rule', 'rule r\n  on ticket.closed\ndo\nend\n');
    const result = await runCli(['check', '--format', 'json', '.'], dir);
    expect(result.code).toBe(1);
    const parsed: unknown = JSON.parse(result.stdout);
    expect(parsed).toEqual([
      {
        file: 'r.rule',
        line: 2,
        column: 6,
        endLine: 2,
        endColumn: 19,
        severity: 'error',
        code: 'unknown-event',
        message: expect.stringContaining('ticket.closed'),
      },
    ]);
  });

  it('exits 0 with warnings only', async () => {
    write('catalog.rule', EVENTS);
    write('r.rule', 'rule r\n  on ticket.opened\ndo\n  let unused = 1\nend\n');
    const result = await runCli(['check', '.'], dir);
    expect(result.stdout).toMatch(/warning/);
    expect(result.code).toBe(0);
  });

  it('reports a path that does not exist as a diagnostic', async () => {
    const result = await runCli(['check', 'nowhere'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^nowhere:1:1: error file-not-found: /);
  });

  it('reports an unreadable file as a diagnostic and checks the rest', async () => {
    // A symbolic link to itself cannot be read, even by root.
    write('catalog.rule', EVENTS);
    write('r.rule', 'rule r\n  on ticket.closed\ndo\nend\n');
    symlinkSync('loop.rule', join(dir, 'loop.rule'));
    const result = await runCli(['check', '.'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^loop\.rule:1:1: error file-unreadable: cannot read this file/m);
    expect(result.stdout).toMatch(/^r\.rule:2:6: error unknown-event/m);
  });

  it('ignores unknown file types, and lists them with --verbose', async () => {
    write('catalog.rule', EVENTS);
    write('notes.txt', 'not a rule');
    const quiet = await runCli(['check', '.'], dir);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toMatch(/notes\.txt/);
    const verbose = await runCli(['check', '--verbose', '.'], dir);
    expect(verbose.stderr).toMatch(/ignored notes\.txt/);
  });

  it('turns any broken file into diagnostics and exit 1, never a stack trace', async () => {
    write('a.rule', 'rule (((( "\u0000 ${ end end');
    write('b.rule.yaml', 'rule: [unclosed\n  do: {');
    write('c.connector.yaml', ': : :');
    const result = await runCli(['check', '.'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^a\.rule:\d+:\d+: error /m);
    expect(result.stdout).toMatch(/^b\.rule\.yaml:\d+:\d+: error /m);
    expect(result.stdout).toMatch(/^c\.connector\.yaml:\d+:\d+: error /m);
    expect(result.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('checks rule test files against their rules', async () => {
    write('catalog.rule', EVENTS);
    write('r.rule', 'rule r\n  on ticket.opened\ndo\nend\n');
    write(
      'r.test.yaml',
      'test: t\nrule: rr\ntrigger: { event: ticket.opened, data: { ticket_id: T, priority: low } }\nexpect: { status: completed }\n',
    );
    const result = await runCli(['check', '.'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^r\.test\.yaml:2:7: error test-invalid: test 't': unknown rule 'rr'; did you mean 'r'\?/m,
    );
  });

  it('exits 2 on misuse', async () => {
    expect((await runCli(['check', '--format', 'xml', '.'], dir)).code).toBe(2);
    expect((await runCli(['check', '--bogus'], dir)).code).toBe(2);
  });
});
