/**
 * Runs of the example rules in `rules/`, covering their branches: each names its trigger, what
 * the actions return, what happens after the start (events, approvals) and how it must end. They
 * are run by `example-rules.test.ts` and recorded as replay histories by `record-histories.ts`.
 */
import type { RunEvent, RunTrigger } from '../contract';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Something that happens after the start, `afterMs` after the previous one, in run time. */
export type ScenarioStep =
  | { readonly afterMs: number; readonly event: RunEvent }
  | {
      readonly afterMs: number;
      readonly approve: { readonly approved: boolean; readonly by?: string; readonly comment?: string };
      /** How the decision is given; a signal unless `update`. */
      readonly via?: 'signal' | 'update';
    };

/** What an action does: a result, or `{ $fail }` to fail it for good. */
export type ScenarioMock = unknown;

/** One run of an example rule and how it must end. */
export interface Scenario {
  /** `<rule>--<case>`: also the name of its recorded histories. */
  readonly name: string;
  readonly rule: string;
  readonly trigger: RunTrigger;
  readonly mocks?: Readonly<Record<string, ScenarioMock>>;
  /** Events the host delivers when the run subscribes (as if stored before the wait). */
  readonly stored?: readonly RunEvent[];
  readonly steps?: readonly ScenarioStep[];
  readonly historyEventLimit?: number;
  /** v2: events in the log that windows in `do` read, `agoMs` before the run starts. */
  readonly log?: readonly { readonly type: string; readonly data: unknown; readonly agoMs: number }[];
  readonly expect: {
    readonly status: 'completed' | 'stopped' | 'failed' | 'cancelled';
    /** Every action started, in order (as a set when `concurrent`: `parallel` starts them at once). */
    readonly calls: readonly string[];
    readonly concurrent?: boolean;
  };
}

/** Fails an action for good, like `{ fail: "msg" }` in a rule test. */
export const fail = (message: string): { readonly $fail: string } => ({ $fail: message });

const event = (id: string, type: string, data: Record<string, unknown>): RunEvent => ({
  id,
  type,
  time: '2025-01-03T10:00:00.000Z',
  data,
});
const onEvent = (e: RunEvent): RunTrigger => ({ kind: 'event', event: e });
const schedule: RunTrigger = { kind: 'schedule', scheduledAt: '2025-01-03T17:00:00.000Z' };

const cart = event('cart-1', 'cart.abandoned', {
  cart_id: 'C-1',
  customer_email: 'ann@example.com',
  total: 80,
  items: ['SKU-1', 'SKU-2'],
});
const refund = (amount: number) =>
  event(`refund-${amount}`, 'refund.requested', {
    refund_id: `R-${amount}`,
    order_id: 'O-7',
    amount,
    currency: 'EUR',
    customer_email: 'bob@example.com',
  });
const ticket = (priority: string) =>
  event(`ticket-${priority}`, 'ticket.opened', {
    ticket_id: `T-${priority}`,
    priority,
    subject: 'Parcel missing',
    customer_email: 'cy@example.com',
  });
const riskyOrder = event('order-risky', 'order.placed', {
  order_id: 'O-99',
  customer_email: 'dee@example.com',
  total: 2500,
  currency: 'EUR',
  risk_score: 0.91,
  country: 'US',
  items: [{ sku: 'SKU-9', quantity: 1 }],
});
const lowStock = event('stock-low', 'inventory.updated', {
  sku: 'SKU-5',
  warehouse: 'BER-1',
  available: 3,
  reorder_point: 10,
  reorder_qty: 20,
  supplier: 'acme',
});
const overstock = (days: number) =>
  event(`overstock-${days}`, 'overstock.detected', { sku: 'SKU-3', excess_units: 80, days_of_cover: days });

const annOrder = event('order-ann-2', 'order.placed', {
  order_id: 'O-1',
  customer_email: 'ann@example.com',
  total: 80,
  currency: 'EUR',
  risk_score: 0.1,
  country: 'DE',
  items: [{ sku: 'SKU-1', quantity: 1 }],
});

/** At least one scenario per rule in `rules/`, one per branch where it matters. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'abandoned_cart_winback--no-order',
    rule: 'abandoned_cart_winback',
    trigger: onEvent(cart),
    expect: { status: 'completed', calls: ['mail.send_template', 'mail.send_template'] },
  },
  {
    name: 'abandoned_cart_winback--ordered',
    rule: 'abandoned_cart_winback',
    trigger: onEvent(cart),
    stored: [
      event('order-ann', 'order.placed', {
        order_id: 'O-1',
        customer_email: 'ann@example.com',
        total: 80,
        currency: 'EUR',
        risk_score: 0.1,
        country: 'DE',
        items: [{ sku: 'SKU-1', quantity: 1 }],
      }),
    ],
    expect: { status: 'stopped', calls: [] },
  },
  {
    name: 'auto_approve_small_refund--small',
    rule: 'auto_approve_small_refund',
    trigger: onEvent(refund(20)),
    mocks: { 'payments.refund': { status: 'paid' } },
    expect: { status: 'completed', calls: ['payments.refund'] },
  },
  {
    name: 'auto_approve_small_refund--approved',
    rule: 'auto_approve_small_refund',
    trigger: onEvent(refund(200)),
    mocks: { 'payments.refund': { status: 'paid' } },
    steps: [{ afterMs: HOUR, approve: { approved: true, by: 'lead@example.com' } }],
    expect: { status: 'completed', calls: ['payments.refund'] },
  },
  {
    name: 'auto_approve_small_refund--undecided',
    rule: 'auto_approve_small_refund',
    trigger: onEvent(refund(300)),
    mocks: { 'mail.send_template': { message_id: 'M-1' } },
    expect: { status: 'failed', calls: ['mail.send_template'] },
  },
  {
    name: 'conversion_drop_alert--drop',
    rule: 'conversion_drop_alert',
    trigger: schedule,
    mocks: { 'analytics.kpi': { value: 0.01, baseline: 0.03 } },
    expect: { status: 'completed', calls: ['analytics.kpi', 'notify.email'] },
  },
  {
    name: 'escalate_unresolved_ticket--urgent',
    rule: 'escalate_unresolved_ticket',
    trigger: onEvent(ticket('urgent')),
    mocks: { 'helpdesk.escalate': { ok: true } },
    expect: { status: 'completed', calls: ['helpdesk.escalate', 'notify.slack'] },
  },
  {
    name: 'escalate_unresolved_ticket--resolved',
    rule: 'escalate_unresolved_ticket',
    trigger: onEvent(ticket('normal')),
    steps: [{ afterMs: 2 * HOUR, event: event('resolved-1', 'ticket.resolved', { ticket_id: 'T-normal' }) }],
    expect: { status: 'completed', calls: [] },
  },
  {
    name: 'hold_high_risk_order--released',
    rule: 'hold_high_risk_order',
    trigger: onEvent(riskyOrder),
    steps: [{ afterMs: 30 * MINUTE, approve: { approved: true, by: 'risk@example.com' }, via: 'update' }],
    expect: { status: 'completed', calls: ['orders.hold', 'orders.release'] },
  },
  {
    name: 'hold_high_risk_order--undecided',
    rule: 'hold_high_risk_order',
    trigger: onEvent(riskyOrder),
    expect: { status: 'stopped', calls: ['orders.hold', 'orders.cancel'] },
  },
  {
    name: 'hold_high_risk_order--hold-fails',
    rule: 'hold_high_risk_order',
    trigger: onEvent(riskyOrder),
    mocks: { 'orders.hold': fail('order is already shipped') },
    expect: { status: 'failed', calls: ['orders.hold', 'orders.release'] },
  },
  {
    name: 'manual_restock--three-skus',
    rule: 'manual_restock',
    trigger: {
      kind: 'manual',
      input: { skus: ['SKU-1', 'SKU-2', 'SKU-3'], quantity: 5 },
      by: 'ops@example.com',
    },
    mocks: { 'purchasing.create_order': { id: 'PO-7' } },
    // Small enough that the loop continues as new: the recorded chain covers resuming.
    historyEventLimit: 20,
    expect: {
      status: 'completed',
      calls: ['purchasing.create_order', 'purchasing.create_order', 'purchasing.create_order'],
    },
  },
  {
    name: 'manual_restock--empty',
    rule: 'manual_restock',
    trigger: { kind: 'manual', input: { skus: [], quantity: 5 } },
    expect: { status: 'stopped', calls: [] },
  },
  {
    name: 'overstock_clearance--deep-discount',
    rule: 'overstock_clearance',
    trigger: onEvent(overstock(200)),
    mocks: { 'promotions.create': { id: 'PROMO-1' } },
    expect: { status: 'completed', calls: ['promotions.create', 'promotions.end'] },
  },
  {
    name: 'overstock_clearance--end-fails',
    rule: 'overstock_clearance',
    trigger: onEvent(overstock(120)),
    mocks: { 'promotions.create': { id: 'PROMO-2' }, 'promotions.end': fail('promotion service refused') },
    expect: { status: 'failed', calls: ['promotions.create', 'promotions.end', 'promotions.end'] },
  },
  {
    name: 'refund_rate_alert--spike',
    rule: 'refund_rate_alert',
    trigger: schedule,
    mocks: { 'analytics.kpi': { value: 0.05, baseline: 0.01 } },
    expect: { status: 'completed', calls: ['analytics.kpi', 'notify.slack'] },
  },
  {
    name: 'restock_low_stock--confirmed',
    rule: 'restock_low_stock',
    trigger: onEvent(lowStock),
    mocks: { 'purchasing.create_order': { id: 'PO-1' } },
    stored: [event('po-confirmed-1', 'purchase_order.confirmed', { po_id: 'PO-1', supplier: 'acme' })],
    expect: { status: 'completed', calls: ['purchasing.create_order'] },
  },
  {
    name: 'restock_low_stock--unconfirmed',
    rule: 'restock_low_stock',
    trigger: onEvent(lowStock),
    mocks: { 'purchasing.create_order': { id: 'PO-2' } },
    expect: { status: 'completed', calls: ['purchasing.create_order', 'notify.slack'] },
  },
  {
    name: 'sync_marketplace_stock--both',
    rule: 'sync_marketplace_stock',
    trigger: onEvent(event('adjusted-1', 'stock.adjusted', { sku: 'SKU-4', available: 12 })),
    expect: {
      status: 'completed',
      calls: ['marketplace_a.set_stock', 'marketplace_b.set_stock'],
      concurrent: true,
    },
  },
  {
    name: 'weekend_promo--weekend',
    rule: 'weekend_promo',
    trigger: schedule,
    mocks: { 'promotions.create': { id: 'PROMO-W' } },
    expect: { status: 'completed', calls: ['promotions.create', 'promotions.end'] },
  },
  // ---------------------------------------------------------------- v2 (rules/shop-v2.rule)
  {
    name: 'push_stock_on_settle--burst',
    rule: 'push_stock_on_settle',
    trigger: onEvent(lowStock),
    expect: { status: 'completed', calls: ['marketplace_a.set_stock'] },
  },
  {
    name: 'payment_velocity--hold',
    rule: 'payment_velocity',
    trigger: onEvent(
      event('pay-failed-3', 'payment.failed', { customer_id: 'C-1', order_id: 'O-5', amount: 30 }),
    ),
    expect: { status: 'completed', calls: ['orders.hold', 'notify.slack'] },
  },
  {
    name: 'refund_rate_from_events--spike',
    rule: 'refund_rate_from_events',
    trigger: schedule,
    log: [
      ...Array.from({ length: 20 }, (_, i) => ({
        type: 'order.placed',
        data: {
          order_id: `O-${i}`,
          customer_email: 'x@example.com',
          total: 10,
          currency: 'EUR',
          risk_score: 0.1,
          country: 'DE',
          items: [],
        },
        agoMs: (i + 1) * MINUTE,
      })),
      ...[5, 15].map((m) => ({
        type: 'refund.requested',
        data: {
          refund_id: `R-${m}`,
          order_id: 'O-1',
          amount: 5,
          currency: 'EUR',
          customer_email: 'x@example.com',
        },
        agoMs: m * MINUTE,
      })),
    ],
    expect: { status: 'completed', calls: ['notify.slack'] },
  },
  {
    name: 'low_stock_crossing--crossed',
    rule: 'low_stock_crossing',
    trigger: onEvent(lowStock),
    expect: { status: 'completed', calls: ['notify.slack'] },
  },
  {
    name: 'remind_abandoned_cart--reminded',
    rule: 'remind_abandoned_cart',
    trigger: onEvent(cart),
    expect: { status: 'completed', calls: ['mail.send_template'] },
  },
  {
    name: 'remind_abandoned_cart--ordered',
    rule: 'remind_abandoned_cart',
    trigger: onEvent(cart),
    steps: [{ afterMs: 20 * MINUTE, event: annOrder }],
    expect: { status: 'cancelled', calls: [] },
  },
  {
    name: 'ship_when_paid--paid',
    rule: 'ship_when_paid',
    trigger: onEvent(annOrder),
    mocks: { 'shipping.create_label': { label_id: 'L-1' } },
    steps: [
      {
        afterMs: 10 * MINUTE,
        event: event('captured-1', 'payment.captured', { order_id: 'O-1', amount: 80 }),
      },
    ],
    expect: { status: 'completed', calls: ['shipping.create_label'] },
  },
  {
    name: 'ship_when_paid--cancelled',
    rule: 'ship_when_paid',
    trigger: onEvent(annOrder),
    steps: [{ afterMs: 10 * MINUTE, event: event('cancelled-1', 'order.cancelled', { order_id: 'O-1' }) }],
    expect: { status: 'stopped', calls: [] },
  },
  {
    name: 'ship_when_paid--unpaid',
    rule: 'ship_when_paid',
    trigger: onEvent(annOrder),
    expect: { status: 'completed', calls: ['notify.slack'] },
  },
  {
    name: 'alert_failed_run--alert',
    rule: 'alert_failed_run',
    trigger: onEvent(
      event('failed-1', 'opsflow.run_failed', {
        rule: 'sync_marketplace_stock',
        version: 2,
        run_id: 'r-1',
        key: 'SKU-1',
        error: 'boom',
        step: 'rules/marketplace-sync.rule:10',
      }),
    ),
    expect: { status: 'completed', calls: ['notify.slack'] },
  },
];
