/** Fixtures for the tests of comments. */

/** A formatted file with a comment in every place the DSL keeps one. */
export const COMMENTED = `# Stock rules for the warehouse team.
# 中文注释：库存规则
event inventory.updated {  # published by the WMS
  # the SKU as the shop knows it
  sku: string
  available: int
  supplier: string?  # may be null
  # more fields come with WMS v2
}

# why 5 retries: the supplier API is flaky at night
action purchasing.create_order(sku: string, quantity: int) -> { id: string }

# reorder below the reorder point
rule restock "补货"  # owned by ops
  on inventory.updated  # every stock change
  # 10 is what purchasing asked for (ticket OPS-12)
  when event.available < 10
# the steps
do
  # order twice the shortfall
  let qty = 20 - event.available  # never negative here
  if qty > 15
    # big orders need a human
    approve "order \${qty}?" by "ops"
  # small orders
  else if qty > 5
  # nothing to do yet
  # otherwise
  else
    log "tiny"
    # end of else
  end
  parallel
    # first branch
    branch
      log "a"
    branch
      # empty branch
  end
  for each x in [1, 2]
    log "\${x}"
    # end of loop
  end
  let po = call purchasing.create_order(sku: event.sku, quantity: qty)
  wait for purchase_order.confirmed as c where c.po_id == po.id within 2d
    # after two days
    on timeout
      stop
      # end of on timeout
    end
# end of do
compensate
  fail "undo"
  # end of compensate
end

# end of file
`;

/** {@link COMMENTED} translated to YAML. */
export const COMMENTED_YAML = `# Stock rules for the warehouse team.
# 中文注释：库存规则
event: inventory.updated  # published by the WMS
fields:
  # the SKU as the shop knows it
  sku: string
  available: int
  supplier: string?  # may be null
  # more fields come with WMS v2
---
# why 5 retries: the supplier API is flaky at night
action: purchasing.create_order
params:
  sku: string
  quantity: int
result:
  id: string
---
# reorder below the reorder point
rule: restock  # owned by ops
description: 补货
on: inventory.updated  # every stock change
# 10 is what purchasing asked for (ticket OPS-12)
when: event.available < 10
# the steps
do:
  # order twice the shortfall
  - let: qty  # never negative here
    value: 20 - event.available
  - if: qty > 15
    then:
      # big orders need a human
      - approve: order \${qty}?
        by: ops
    # small orders
    else:
      - if: qty > 5
        then: []
        # nothing to do yet
        # otherwise
        else:
          - log: tiny
          # end of else
  - parallel:
      # first branch
      - - log: a
      - []
        # empty branch
  - for_each: x
    in: "[1, 2]"
    do:
      - log: \${"\${x}"}
      # end of loop
  - call: purchasing.create_order
    as: po
    with:
      sku: \${event.sku}
      quantity: \${qty}
  - wait: purchase_order.confirmed
    as: c
    where: c.po_id == po.id
    within: 2d
    # after two days
    on_timeout:
      - stop
      # end of on timeout
# end of do
compensate:
  - fail: undo
  # end of compensate
# end of file
`;
