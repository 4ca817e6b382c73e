/**
 * Valid YAML rule files used by the YAML front end's tests. Every one of them must parse without
 * diagnostics, round-trip through the printer and validate against `schema/rule.schema.json`.
 */

/** The example of LANGUAGE.md §6, verbatim. */
export const SPEC_EXAMPLE = `rule: restock_low_stock
description: Reorder when stock falls below the reorder point
on: inventory.updated
when: event.available < event.reorder_point
key: event.sku
concurrency: single
do:
  - let: qty
    value: max(event.reorder_qty, event.reorder_point * 2 - event.available)
  - call: purchasing.create_order
    as: po
    with: { sku: "\${event.sku}", quantity: "\${qty}" }
    retry: { attempts: 5, every: 30s, backoff: 2 }
    timeout: 2m
  - wait: purchase_order.confirmed
    as: confirmation
    where: confirmation.po_id == po.id
    within: 2d
    on_timeout:
      - call: notify.slack
        with: { channel: "#ops", text: "PO \${po.id} for \${event.sku} is not confirmed after 2 days" }
`;

/** One rule that uses every kind of step and every rule key. */
export const ALL_STEPS = `rule: every_step
description: 每一种步骤 — every kind of step
manual: { sku: string, quantity: int, note: "string?" }
key: input.sku
concurrency: queue
timeout: 1d
do:
  - let: total
    value: input.quantity * 2
  - set: total
    value: total + 1
  - call: inventory.reserve
    with: { sku: "\${input.sku}", quantity: 3 }
  - call: purchasing.create_order
    as: po
    with:
      sku: \${input.sku}
      tags: [restock, "\${input.sku}", 1, true, null]
      meta: { source: opsflow, count: "\${total}" }
    retry: 3
    timeout: 30s
  - if: total > 10
    then:
      - log: big order \${total}
    else:
      - if: total > 5
        then:
          - log: medium order
        else:
          - log: small order
  - sleep: 48h
  - sleep: 1h * 2
  - sleep_until: now() + 1d
  - wait: purchase_order.confirmed
    as: confirmation
    where: confirmation.po_id == po.id
    within: 2d
  - approve: Approve PO \${po.id}?
    by: purchasing
    as: decision
    within: 1d
    on_timeout:
      - fail: nobody approved PO \${po.id}
  - parallel:
      - - call: notify.slack
          with: { channel: "#ops", text: "PO \${po.id}" }
      - - emit: po.created
          with: { id: "\${po.id}", total: "\${total}" }
        - log: emitted
  - for_each: tag
    in: '["a", "b"]'
    do:
      - log: \${tag}
  - emit: audit.touched
  - stop: 'done: \${po.id}'
  - stop
  - stop: null
  - fail: unreachable
compensate:
  - call: purchasing.cancel_order
    with: { id: "\${po?.id}" }
`;

/** Event and action declarations, several documents in one file. */
export const DECLARATIONS = `event: inventory.updated
fields:
  sku: string
  available: int
  reorder_point: int
  reorder_qty: int
  supplier: string?
  tags: list<string>?
  location: { warehouse: string, bin: "string?" }
---
action: purchasing.create_order
params: { sku: string, quantity: int, supplier: "string?" }
result: { id: string }
---
action: notify.ping
---
event: heartbeat
fields: {}
`;

/** Schedules: an interval, a cron with a time zone, a disabled rule with a compensation. */
export const SCHEDULES = `rule: every_quarter_hour
every: 15m
do:
  - log: tick
---
rule: monday_report
description: "Weekly report: Monday 09:00"
every: "0 9 * * 1"
timezone: Europe/Paris
disabled: true
do:
  - call: reports.weekly
    with: { week: "\${now()}" }
compensate: []
`;

/** All the fixtures above, by name. */
export const VALID_FIXTURES: Readonly<Record<string, string>> = {
  'spec-example.rule.yaml': SPEC_EXAMPLE,
  'all-steps.rule.yaml': ALL_STEPS,
  'declarations.rule.yaml': DECLARATIONS,
  'schedules.rule.yaml': SCHEDULES,
};
