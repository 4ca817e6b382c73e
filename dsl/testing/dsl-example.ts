/** Fixtures for the DSL front-end tests. */

/** The rule of LANGUAGE.md §3 alone (the §6 YAML example is the same rule). */
export const SPEC_RULE = `rule restock_low_stock "Reorder when stock falls below the reorder point"
  on inventory.updated
  when event.available < event.reorder_point
  key event.sku
  concurrency single
do
  let qty = max(event.reorder_qty, event.reorder_point * 2 - event.available)
  let po = call purchasing.create_order(sku: event.sku, quantity: qty) retry 5 every 30s backoff 2 timeout 2m
  wait for purchase_order.confirmed as confirmation where confirmation.po_id == po.id within 2d
    on timeout
      call notify.slack(channel: "#ops", text: "PO \${po.id} for \${event.sku} is not confirmed after 2 days")
    end
end
`;

/** The rule of LANGUAGE.md §3 with the declarations of §2. */
export const EXAMPLE = `event inventory.updated {
  sku: string
  available: int
  reorder_point: int
  reorder_qty: int
  supplier: string?          # '?' = may be null or missing
  tags: list<string>?
}

action purchasing.create_order(sku: string, quantity: int, supplier: string?) -> { id: string }

${SPEC_RULE}`;
