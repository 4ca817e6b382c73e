import { withoutSpans } from './canonical-json';
import { compileProgram } from './compile';
import { parseDsl } from '../text/parse-dsl';
import { SPEC_RULE } from '../testing/dsl-example';
import { SPEC_EXAMPLE } from '../testing/yaml-fixtures';
import { parseYaml } from '../yaml/parse-yaml';

const EVENTS = `
event inventory.updated {
  sku: string
  available: int
  reorder_point: int
  reorder_qty: int
  supplier: string?
  tags: list<string>?
}
event purchase_order.confirmed { po_id: string }
action purchasing.create_order(sku: string, quantity: int, supplier: string?) -> { id: string }
`;

// A blank first line, so positions are checked on a line other than the first.
const RULE_DSL = `\n${SPEC_RULE}`;
const RULE_YAML = `\n${SPEC_EXAMPLE}`;

function parse(file: string, text: string) {
  const result = file.endsWith('.yaml') ? parseYaml(file, text) : parseDsl(file, text);
  expect(result.diagnostics).toEqual([]);
  return result.file;
}

describe('from source text', () => {
  it('compiles the DSL and YAML forms of a rule to the same IR', () => {
    const events = parse('events.rule', EVENTS);
    const dsl = compileProgram([events, parse('restock.rule', RULE_DSL)]);
    const yaml = compileProgram([events, parse('restock.rule.yaml', RULE_YAML)]);
    expect(dsl.diagnostics).toEqual([]);
    expect(yaml.diagnostics).toEqual([]);
    expect(withoutSpans(yaml.rules)).toEqual(withoutSpans(dsl.rules));
    expect(yaml.rules[0].hash).toBe(dsl.rules[0].hash);
    expect(dsl.rules[0].span).toMatchObject({ file: 'restock.rule', line: 2 });
    expect(yaml.rules[0].span.file).toBe('restock.rule.yaml');
  });

  it('points diagnostics at the offending token', () => {
    const text = `rule r
  on inventory.updated
  when event.availble < 3
do
  call purchasing.create_ordr(sku: "a")
  let x = event.sku + 1
end
`;
    const { diagnostics } = compileProgram([parse('events.rule', EVENTS), parse('r.rule', text)]);
    expect(diagnostics.map((d) => [d.code, d.span.line, d.span.column, d.span.endColumn])).toEqual([
      ['unknown-field', 3, 14, 22],
      ['unknown-action', 5, 8, 30],
      ['unused-binding', 6, 7, 8],
      ['type-mismatch', 6, 11, 24],
    ]);
    expect(diagnostics[0].message).toContain("did you mean 'available'?");
  });
});

describe('every statement from source', () => {
  it('checks a rule set that uses every construct without diagnostics', () => {
    const text = `
event ticket.opened { ticket_id: string  priority: string  opened_at: time  watchers: list<string>? }
event ticket.commented { ticket_id: string  author: string? }
event ticket.escalated { ticket_id: string  level: int }
action tickets.escalate(id: string, level: int?) -> { ok: bool }

rule escalate_unresolved_ticket "Escalate urgent tickets"
  on ticket.opened
  when event.priority == "urgent" and "bot" not in (event.watchers ?? [])
  key event.ticket_id
  concurrency replace
  timeout 2w
do
  wait for ticket.commented as c where c.ticket_id == event.ticket_id within 4h
    on timeout
      approve "Escalate \${event.ticket_id}?" by "support-lead" as decision within 1d
      if decision?.approved ?? false
        let r = call tickets.escalate(id: event.ticket_id, level: 2) retry 3 every 10s
        if not r.ok
          fail "escalation failed for \${event.ticket_id}"
        end
      else if decision == null
        log "nobody decided within a day"
      else
        stop "declined by \${decision.by}"
      end
  end
  parallel
    branch
      sleep 1h
      emit ticket.escalated { ticket_id: event.ticket_id, level: 1 }
    branch
      for each w in event.watchers ?? []
        call notify.email(to: w, subject: "Ticket \${event.ticket_id}", body: "Open since \${now() - event.opened_at}")
      end
  end
  sleep until event.opened_at + 3d
compensate
  call notify.slack(channel: "#support", text: "run for \${event.ticket_id} failed")
end

rule nightly_report
  every "0 2 * * *" timezone "Europe/Berlin"
do
  let since = now() - 1d
  log "report since \${since}"
end

rule manual_restock
  manual(sku: string, qty: int)
do
  call http.request(method: "POST", url: "https://erp.example/orders", body: { sku: input.sku, qty: input.qty }, headers: { Authorization: "Bearer \${secret("ERP_TOKEN")}" })
end
`;
    const parsed = parseDsl('all.rule', text);
    expect(parsed.diagnostics).toEqual([]);
    const { rules, diagnostics } = compileProgram([parsed.file]);
    expect(diagnostics).toEqual([]);
    expect(rules.map((r) => r.name)).toEqual([
      'escalate_unresolved_ticket',
      'nightly_report',
      'manual_restock',
    ]);
    expect(rules[2].secrets).toEqual(['ERP_TOKEN']);
    expect(rules[1].trigger).toEqual({ kind: 'schedule', cron: '0 2 * * *', timezone: 'Europe/Berlin' });
  });
});
