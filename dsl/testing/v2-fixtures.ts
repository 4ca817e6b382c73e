/**
 * v2 rule text shared by the v2 front-end tests: the declarations the examples of LANGUAGE.md
 * §9–13 need, and those examples.
 */

export const V2_EVENTS = `
event inventory.updated {
  sku: string
  warehouse: string
  available: int
  reorder_point: int
  reorder_qty: int
}
event cart.abandoned { cart_id: string, customer_email: string }
event order.placed { order_id: string, customer_email: string, total: number }
event order.cancelled { order_id: string }
event payment.failed { customer_id: string, amount: number }
event payment.captured { order_id: string }
event refund.requested { order_id: string, amount: number }
event order.created { order_id: string }
action marketplace_a.set_stock(sku: string, available: int)
action mail.send_template(to: string, template: string)
action orders.hold_customer(customer_id: string)
action shipping.create_label(order_id: string)
`;

export const SYNC_RULE = `rule sync_marketplace_stock "Push a SKU's stock to the marketplace once a burst of updates settles"
  on inventory.updated
  key event.sku
  debounce 30s max 5m
  throttle 10 per 1m
do
  call marketplace_a.set_stock(sku: event.sku, available: event.available)
  log "\${len(events)} updates merged"
end
`;

export const CART_RULE = `rule remind_abandoned_cart
  on cart.abandoned
  key event.cart_id
  cancel on order.placed as o where o.customer_email == event.customer_email
do
  sleep 1h
  call mail.send_template(to: event.customer_email, template: "cart-reminder")
end
`;

export const VELOCITY_RULE = `rule payment_velocity "Three failed payments by one customer in ten minutes"
  on payment.failed
  key event.customer_id
  when count(payment.failed as p within 10m where p.customer_id == event.customer_id) >= 3
  limit 1 per 1h
do
  call orders.hold_customer(customer_id: event.customer_id)
end
`;

export const REFUND_RULE = `rule refund_rate_alert
  every 1h
do
  let refunds = count(refund.requested as r within 1h)
  let orders = count(order.placed as o within 1h)
  if orders >= 20 and refunds / orders > 0.05
    call notify.slack(channel: "#ops-alerts", text: "refund rate \${round(refunds * 100 / orders)}%")
  end
end
`;

export const CROSSING_RULE = `rule restock_crossing
  on inventory.updated
  key event.sku
  when event.available < event.reorder_point and (previous == null or previous.available >= previous.reorder_point)
do
  log "\${event.sku} crossed below its reorder point"
end
`;

export const WAIT_FIRST_RULE = `rule label_when_paid
  on order.created
do
  wait for first
    case payment.captured as p where p.order_id == event.order_id
      call shipping.create_label(order_id: event.order_id)
    case order.cancelled as c where c.order_id == event.order_id
      stop "order cancelled before payment"
  within 1h
    call notify.slack(channel: "#payments", text: "no payment for \${event.order_id} after 1h")
  end
end
`;

export const RUN_FAILED_RULE = `rule alert_failed_runs
  on opsflow.run_failed
do
  call notify.slack(channel: "#ops-alerts", text: "\${event.rule} v\${event.version} failed at \${event.step ?? "?"}: \${event.error}")
end
`;

/** Every example, in one text. */
export const V2_EXAMPLES = [
  SYNC_RULE,
  CART_RULE,
  VELOCITY_RULE,
  REFUND_RULE,
  CROSSING_RULE,
  WAIT_FIRST_RULE,
  RUN_FAILED_RULE,
].join('\n');
