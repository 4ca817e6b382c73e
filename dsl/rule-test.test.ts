import { parseRuleTests } from './rule-test';

const EXAMPLE = `test: escalates an urgent ticket nobody resolves within 4h
rule: escalate_unresolved_ticket
trigger:
  event: ticket.opened
  data: { ticket_id: T-1, priority: urgent }
mocks:
  tickets.escalate: { ok: true }
  notify.slack: { fail: "webhook gone" }
timeline:
  - after: 3h
    event: ticket.commented
    data: { ticket_id: T-1 }
  - after: 30m
    approve: true
    by: lead
expect:
  status: completed
  calls:
    - action: tickets.escalate
      with: { id: T-1 }
  no_calls: [notify.slack]
---
test: a manual rule
rule: manual_restock
input: { skus: [A], quantity: 2 }
expect: { status: stopped, error: nothing }
`;

describe('rule test files', () => {
  it('reads the LANGUAGE.md example and several tests per file', () => {
    const { tests, diagnostics } = parseRuleTests('t.test.yaml', EXAMPLE);
    expect(diagnostics).toEqual([]);
    expect(tests).toHaveLength(2);
    const [first, second] = tests;
    expect(first.name).toBe('escalates an urgent ticket nobody resolves within 4h');
    expect(first.trigger).toMatchObject({
      kind: 'event',
      event: 'ticket.opened',
      data: { ticket_id: 'T-1', priority: 'urgent' },
    });
    expect(first.mocks.get('tickets.escalate')).toEqual({ result: { ok: true } });
    expect(first.mocks.get('notify.slack')).toEqual({ fail: 'webhook gone' });
    expect(first.timeline).toMatchObject([
      { kind: 'event', afterMs: 3 * 3_600_000, event: 'ticket.commented', data: { ticket_id: 'T-1' } },
      { kind: 'approve', afterMs: 30 * 60_000, approved: true, by: 'lead' },
    ]);
    expect(first.expect).toMatchObject({
      status: 'completed',
      calls: [{ action: 'tickets.escalate', with: { id: 'T-1' } }],
      noCalls: ['notify.slack'],
    });
    expect(second.trigger).toMatchObject({ kind: 'input', input: { skus: ['A'], quantity: 2 } });
    expect(second.expect).toMatchObject({ status: 'stopped', error: 'nothing' });
  });

  it('reports mistakes at their line and column, with did-you-mean', () => {
    const { diagnostics } = parseRuleTests(
      'bad.test.yaml',
      'test: x\nrule: r\nexpect:\n  status: complete\n---\ntest: y\nrule: r\ntimelime: []\nexpect: {}\n---\ntest: z\nrule: r\ntimeline:\n  - after: soon\n    approve: yes\nexpect: {}\n',
    );
    expect(diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.message}`)).toEqual([
      "4:11 unknown status 'complete': one of completed, failed, stopped, skipped, running; did you mean 'completed'?",
      "8:1 unknown key 'timelime' in a test; did you mean 'timeline'?",
      "14:12 'after' must be a duration like 3h or 30m: `soon` is not a valid duration: expected `<integer><unit>` parts such as `1h30m`",
    ]);
  });

  it('never throws on garbage', () => {
    for (const text of ['', ':', '- - -', '{[', 'test: [1, 2', '\u0000\u0001', 'a: *nope']) {
      expect(() => parseRuleTests('g.test.yaml', text)).not.toThrow();
    }
  });
});
