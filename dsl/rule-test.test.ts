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
      "4:11 unknown status 'complete': one of completed, failed, stopped, skipped, running, cancelled; did you mean 'completed'?",
      "8:1 unknown key 'timelime' in a test; did you mean 'timeline'?",
      "14:12 'after' must be a duration like 3h or 30m: `soon` is not a valid duration: expected `<integer><unit>` parts such as `1h30m`",
    ]);
  });

  it('never throws on garbage', () => {
    for (const text of ['', ':', '- - -', '{[', 'test: [1, 2', '\u0000\u0001', 'a: *nope']) {
      expect(() => parseRuleTests('g.test.yaml', text)).not.toThrow();
    }
  });

  it('reads the v2 keys: triggers, history, runs, outcomes, a status per run', () => {
    const text = `test: a burst of updates is pushed once
rule: sync_marketplace_stock
history:
  - ago: 2h
    event: inventory.updated
    data: { sku: A, available: 40 }
triggers:
  - event: inventory.updated
    data: { sku: A, available: 9 }
  - after: 10s
    event: inventory.updated
    data: { sku: A, available: 7 }
expect:
  runs: 1
  outcomes: { debounced: 1, started: 1 }
  status: [cancelled]
`;
    const { tests, diagnostics } = parseRuleTests('v2.test.yaml', text);
    expect(diagnostics).toEqual([]);
    const [t] = tests;
    expect(t.trigger).toEqual({ kind: 'none' });
    expect(t.history).toMatchObject([{ agoMs: 7_200_000, event: 'inventory.updated', data: { sku: 'A' } }]);
    expect(t.triggers).toMatchObject([
      { afterMs: 0, data: { available: 9 } },
      { afterMs: 10_000, data: { available: 7 } },
    ]);
    expect(t.expect).toMatchObject({
      runs: 1,
      outcomes: { debounced: 1, started: 1 },
      statuses: ['cancelled'],
    });
  });

  it('reports mistakes in the v2 keys where they are', () => {
    const text = `test: x
rule: r
trigger: { event: a }
triggers:
  - event: a
expect: {}
---
test: y
rule: r
triggers: []
history:
  - ago: later
    event: a
expect:
  runs: -1
  outcomes: { debounce: 1 }
  status: [done]
`;
    const { diagnostics } = parseRuleTests('v2.test.yaml', text);
    expect(diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.message}`)).toEqual([
      "4:1 give either 'triggers:' (several events) or 'trigger:', not both",
      "10:1 'triggers' needs at least one event",
      "12:10 'ago' must be a duration like 3h or 30m: `later` is not a valid duration: expected `<integer><unit>` parts such as `1h30m`",
      "17:12 unknown status 'done': one of completed, failed, stopped, skipped, running, cancelled",
      "15:9 'runs' must be a whole number of runs (0 or more)",
      "16:15 unknown key 'debounce' in 'outcomes'; did you mean 'debounced'?",
    ]);
  });
});
