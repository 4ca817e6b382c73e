/**
 * Checking and compiling the v2 constructs (LANGUAGE.md §9–13) from rule text: types, located
 * diagnostics with the contract's codes, and the v2 IR (flow, cancelOn, windows, wait_first,
 * usesPrevious/usesEvents, irVersion).
 */
import { withoutSpans } from './canonical-json';
import { compileProgram } from './compile';
import type { Diagnostic } from '../core/diagnostics';
import type { ExprIR, RuleIR, StepIR } from '../runtime/ir';
import { IR_VERSION, IR_VERSION_V2, RUN_FAILED_EVENT } from '../runtime/ir';
import { parseDsl } from '../text/parse-dsl';
import {
  CART_RULE,
  CROSSING_RULE,
  REFUND_RULE,
  RUN_FAILED_RULE,
  SYNC_RULE,
  V2_EVENTS,
  VELOCITY_RULE,
  WAIT_FIRST_RULE,
} from '../testing/v2-fixtures';

function compile(text: string) {
  const events = parseDsl('events.rule', V2_EVENTS);
  const rules = parseDsl('v2.rule', text);
  expect([...events.diagnostics, ...rules.diagnostics]).toEqual([]);
  return compileProgram([events.file, rules.file]);
}

function one(text: string): RuleIR {
  const { rules, diagnostics } = compile(text);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return (withoutSpans(rules) as RuleIR[])[0];
}

/** The errors of `clauses` + `body` in a rule on inventory.updated, as `code line:column message`. */
function problems(clauses: string, body = '  log "x"', trigger = '  on inventory.updated'): string[] {
  const { diagnostics } = compile(`rule r\n${trigger}\n${clauses}\ndo\n${body}\nend\n`);
  return diagnostics
    .filter((d: Diagnostic) => d.severity === 'error')
    .map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`);
}

const member = (object: string, name: string) => ({
  kind: 'member',
  object: { kind: 'name', name: object },
  name,
  optional: false,
});

describe('flow control', () => {
  it('compiles debounce and throttle, and `events` as a list of the trigger type', () => {
    const ir = one(SYNC_RULE);
    expect(ir.irVersion).toBe(IR_VERSION_V2);
    expect(ir.flow).toEqual({
      debounce: { quietMs: 30_000, maxMs: 300_000 },
      throttle: { runs: 10, perMs: 60_000 },
    });
    expect(ir.usesEvents).toBe(true);
    expect(ir.usesPrevious).toBeUndefined();
    // `events[0].available` is an int: `events` is list<inventory.updated>.
    const typed = one(
      SYNC_RULE.replace(
        'log "${len(events)} updates merged"',
        'let n = events[0].available + 1\n  log "${n}"',
      ),
    );
    expect(typed.usesEvents).toBe(true);
  });

  it('compiles batch and limit', () => {
    const ir = one(
      'rule r\n  on inventory.updated\n  batch 50 within 10m\n  limit 1 per 1d\ndo\n  log "${len(events)}"\nend\n',
    );
    expect(ir.flow).toEqual({
      batch: { size: 50, withinMs: 600_000 },
      limit: { runs: 1, perMs: 86_400_000 },
    });
    expect(one('rule r\n  on inventory.updated\n  batch 5\ndo\n  log "x"\nend\n').flow).toEqual({
      batch: { size: 5 },
    });
  });

  it('needs an `on` trigger', () => {
    expect(problems('  throttle 1 per 1m', '  log "x"', '  every 1h')).toEqual([
      "flow-control-needs-event 3:3 'throttle' acts on the triggers of a key, so it needs a rule triggered by 'on EVENT_TYPE'",
    ]);
    expect(problems('  cancel on order.placed', '  log "x"', '  manual')[0]).toMatch(
      /^flow-control-needs-event 3:3 'cancel on'/,
    );
  });

  it('rejects conflicting and repeated clauses', () => {
    expect(problems('  debounce 1m\n  batch 10')).toEqual([
      "conflicting-clauses 4:3 'batch' cannot be combined with 'debounce' (at v2.rule:3:3): a rule has at most one of them",
    ]);
    expect(problems('  limit 1 per 1m\n  throttle 2 per 1m')[0]).toMatch(
      /^conflicting-clauses 4:3 'throttle'/,
    );
    expect(problems('  debounce 1m\n  debounce 2m')).toEqual([
      "duplicate-clause 4:3 'debounce' is already given at v2.rule:3:3",
    ]);
    expect(problems('  cancel on order.placed\n  cancel on order.cancelled')).toEqual([
      "duplicate-clause 4:3 'cancel on' is already given at v2.rule:3:3",
    ]);
  });

  it('rejects bad counts and durations', () => {
    expect(problems('  batch 0')).toEqual([
      "invalid-flow-control 3:9 a batch's size must be a whole number of at least 1 and at most 10000, not 0",
    ]);
    expect(problems('  throttle 2.5 per 1m')[0]).toMatch(/^invalid-flow-control 3:12 /);
    expect(problems('  limit 1 per 0s')).toEqual([
      "invalid-duration 3:15 'limit ... per' must be longer than 0",
    ]);
    expect(problems('  debounce 1m max 30s')).toEqual([
      "invalid-flow-control 3:19 'max' (30s) must be at least the quiet time (1m)",
    ]);
  });

  it('says where `events` is a name', () => {
    expect(problems('', '  log "${len(events)}"')[0]).toMatch(/^unknown-name 5:14 unknown name 'events'/);
    expect(problems('  debounce 1m\n  when len(events) > 1')).toEqual([
      "unknown-name 4:12 'events' is not available in 'when': it is the list of a run's triggers, known once the run starts",
    ]);
    // A rule that binds `events` itself keeps it, as under v1.
    expect(
      one('rule r\n  on inventory.updated\ndo\n  let events = [1]\n  log "${events}"\nend\n').irVersion,
    ).toBe(IR_VERSION);
  });
});

describe('cancel on', () => {
  it('compiles with its correlation, seeing `event` and its name', () => {
    const ir = one(CART_RULE);
    expect(ir.irVersion).toBe(IR_VERSION_V2);
    expect(ir.cancelOn).toEqual({
      event: 'order.placed',
      as: 'o',
      where: {
        kind: 'compare',
        op: '==',
        mode: 'string',
        left: member('o', 'customer_email'),
        right: member('event', 'customer_email'),
      },
      correlation: { field: 'customer_email', value: member('event', 'customer_email') },
    });
    expect(ir.events.map((e) => e.name)).toEqual(['cart.abandoned', 'order.placed']);
  });

  it('binds `cancel` without `as`, and type-checks `where`', () => {
    const ir = one(
      'rule r\n  on cart.abandoned\n  cancel on order.placed where cancel.total > 10\ndo\n  log "x"\nend\n',
    );
    expect(ir.cancelOn).toMatchObject({ event: 'order.placed', as: 'cancel' });
    expect(ir.cancelOn?.correlation).toBeUndefined();
    expect(problems('  cancel on order.placed as o where o.nope == 1')).toEqual([
      "unknown-field 3:39 event order.placed has no field 'nope'",
    ]);
    expect(problems('  cancel on order.placed as o where o.total')).toEqual([
      "not-bool 3:37 'where' must be a bool, not number",
    ]);
    expect(problems('  cancel on order.nope')[0]).toMatch(
      /^unknown-event 3:13 unknown event type 'order.nope'/,
    );
    expect(problems('  cancel on order.placed as o where previous == null')[0]).toMatch(
      /^unknown-name 3:37 'previous' is not available here/,
    );
  });
});

describe('windows', () => {
  it('compiles a guard window with its id and correlations', () => {
    const ir = one(VELOCITY_RULE);
    expect(ir.irVersion).toBe(IR_VERSION_V2);
    expect(ir.flow).toEqual({ limit: { runs: 1, perMs: 3_600_000 } });
    const guard = ir.guard as Extract<ExprIR, { kind: 'compare' }>;
    expect(guard.left).toEqual({
      kind: 'aggregate',
      fn: 'count',
      window: {
        id: 1,
        event: 'payment.failed',
        as: 'p',
        withinMs: 600_000,
        where: {
          kind: 'compare',
          op: '==',
          mode: 'string',
          left: member('p', 'customer_id'),
          right: member('event', 'customer_id'),
        },
        correlations: [{ field: 'customer_id', value: member('event', 'customer_id') }],
      },
    });
  });

  it('numbers windows in source order and types the aggregates', () => {
    const ir = one(REFUND_RULE);
    const [refunds, orders] = ir.body as Extract<StepIR, { kind: 'let' }>[];
    expect(refunds.value).toMatchObject({
      kind: 'aggregate',
      fn: 'count',
      window: { id: 1, event: 'refund.requested', correlations: [] },
    });
    expect(orders.value).toMatchObject({
      kind: 'aggregate',
      fn: 'count',
      window: { id: 2, event: 'order.placed' },
    });
    expect(ir.events.map((e) => e.name)).toEqual(['order.placed', 'refund.requested']);
    // count is an int, sum a number, avg/min/max optional numbers, distinct an int.
    const body = [
      '  let a = count(order.placed as o within 1h) % 2',
      '  let b = sum(order.placed as o within 1h, o.total) + 0.5',
      '  let c = avg(order.placed as o within 1h, o.total) ?? 0',
      '  let d = max(order.placed as o within 1h where o.total > 1 and o.customer_email == event.cart_id, o.total)',
      '  let e = distinct(order.placed as o within 1h, o.customer_email)',
      '  log "${a} ${b} ${c} ${d} ${e}"',
    ].join('\n');
    const many = one(`rule r\n  on cart.abandoned\ndo\n${body}\nend\n`);
    const lets = many.body.filter((s): s is Extract<StepIR, { kind: 'let' }> => s.kind === 'let');
    expect(lets.map((s) => (s.value.kind === 'aggregate' ? s.value.fn : s.value.kind))).toEqual([
      'arith',
      'arith',
      'coalesce',
      'max',
      'distinct',
    ]);
    const d = lets[3].value as Extract<ExprIR, { kind: 'aggregate' }>;
    expect(d.window.correlations).toEqual([{ field: 'customer_email', value: member('event', 'cart_id') }]);
    expect(d.value).toEqual(member('o', 'total'));
    expect(problems('', '  set x = 1', '  on inventory.updated').length).toBe(1);
    expect(problems('', '  let x = avg(order.placed as o within 1h) + 1')[0]).toMatch(/^wrong-arity/);
    expect(problems('', '  let x = avg(order.placed as o within 1h, o.total) + 1\n  log "${x}"')).toEqual([]);
  });

  it('type-checks `where` and the value with the window name bound to the event type', () => {
    expect(problems('  when count(order.placed as o within 1h where o.nope) > 1')).toEqual([
      "unknown-field 3:50 event order.placed has no field 'nope'",
    ]);
    expect(problems('  when count(order.placed as o within 1h where o.total) > 1')).toEqual([
      "not-bool 3:48 'where' must be a bool, not number",
    ]);
    expect(problems('', '  let s = sum(order.placed as o within 1h, o.order_id)\n  log "${s}"')).toEqual([
      'argument-type 5:44 sum(): the value must be a number, not string',
    ]);
    expect(problems('', '  let s = count(order.nope as o within 1h)\n  log "${s}"')[0]).toMatch(
      /^unknown-event 5:17 /,
    );
    expect(problems('', '  let s = count(order.placed as event within 1h)\n  log "${s}"')[0]).toMatch(
      /^already-bound 5:33 /,
    );
    // The window's name ends with the window.
    expect(problems('', '  let s = count(order.placed as o within 1h)\n  log "${s} ${o}"')[0]).toMatch(
      /^unknown-name 6:15 /,
    );
  });

  it('allows windows only in when, let, set, if and log', () => {
    const w = 'count(order.placed as o within 1h)';
    for (const body of [`  let x = ${w}\n  set x = ${w}`, `  if ${w} > 1\n  end`, `  log "\${${w}}"`]) {
      expect(problems('', body)).toEqual([]);
    }
    expect(problems(`  key ${w}`)[0]).toMatch(/^window-not-allowed 3:13 a window cannot be read here/);
    expect(problems('', `  sleep ${w} * 1s`)[0]).toMatch(/^window-not-allowed 5:15 /);
    expect(problems('', `  call marketplace_a.set_stock(sku: "a", available: ${w})`)[0]).toMatch(
      /^window-not-allowed/,
    );
    expect(problems('', `  wait for order.placed as p where ${w} > 1 within 1h`)[0]).toMatch(
      /^window-not-allowed/,
    );
    expect(problems('', `  let x = count(order.placed as o within 1h where ${w} > 1)`)[0]).toMatch(
      /^window-not-allowed 5:57 windows do not nest/,
    );
    expect(problems('', `  let x = round(order.placed as o within 1h)`)).toEqual([
      'window-not-allowed 5:17 a window is only the first argument of count, sum, avg, min, max or distinct',
    ]);
  });

  it('limits windows to 31 days', () => {
    expect(problems('  when count(order.placed as o within 31d) > 1')).toEqual([]);
    expect(problems('  when count(order.placed as o within 745h) > 1')).toEqual([
      'window-too-long 3:39 a window is at most 31 days long, not 745h',
    ]);
  });

  it('keeps min and max of two numbers as before', () => {
    const ir = one('rule r\n  on inventory.updated\ndo\n  log "${max(event.available, 2)}"\nend\n');
    expect(ir.irVersion).toBe(IR_VERSION);
  });
});

describe('previous', () => {
  it('is the trigger type, optional, in the guard and in do', () => {
    const ir = one(CROSSING_RULE);
    expect(ir.irVersion).toBe(IR_VERSION_V2);
    expect(ir.usesPrevious).toBe(true);
    expect(ir.usesEvents).toBeUndefined();
    expect(problems('  when previous.nope > 1')[0]).toMatch(
      /^unknown-field 3:17 event inventory.updated has no field 'nope'/,
    );
  });

  it('is refused without `on` and in the key', () => {
    expect(problems('', '  log "${previous}"', '  every 1h')).toEqual([
      "previous-without-on 5:10 'previous' is only available in a rule triggered by 'on EVENT_TYPE'",
    ]);
    expect(problems('  key previous?.sku')[0]).toMatch(
      /^unknown-name 3:7 'previous' is not available here: the key/,
    );
  });
});

describe('wait for first', () => {
  it('compiles each case with its correlation and its name bound in its body only', () => {
    const ir = one(WAIT_FIRST_RULE);
    expect(ir.irVersion).toBe(IR_VERSION_V2);
    const [step] = ir.body;
    expect(step).toMatchObject({ kind: 'wait_first', id: 1, withinMs: 3_600_000 });
    const w = step as Extract<StepIR, { kind: 'wait_first' }>;
    expect(
      w.cases.map((c) => [c.event, c.as, c.correlation?.field, c.body.map((s) => [s.kind, s.id])]),
    ).toEqual([
      ['payment.captured', 'p', 'order_id', [['call', 2]]],
      ['order.cancelled', 'c', 'order_id', [['stop', 3]]],
    ]);
    expect(w.onTimeout?.map((s) => [s.kind, s.id])).toEqual([['call', 4]]);
    expect(ir.events.map((e) => e.name)).toEqual(['order.cancelled', 'order.created', 'payment.captured']);
    const leak =
      '  wait for first\n    case order.placed as p\n      log p.order_id\n  end\n  log p.order_id';
    expect(problems('', leak)[0]).toMatch(/^unknown-name 9:7 unknown name 'p'/);
    const field = '  wait for first\n    case order.placed as p where p.nope == 1\n      log "x"\n  end';
    expect(problems('', field)[0]).toMatch(/^unknown-field 6:36 /);
  });

  it('binds nothing for a case without `as`', () => {
    const ir = one(
      'rule r\n  on order.created\ndo\n  wait for first\n    case order.cancelled\n      stop\n  end\nend\n',
    );
    const w = ir.body[0] as Extract<StepIR, { kind: 'wait_first' }>;
    expect(w.cases[0]).toEqual({ event: 'order.cancelled', as: 'case', body: [{ kind: 'stop', id: 2 }] });
  });
});

describe('opsflow.run_failed', () => {
  it('is a built-in trigger type needing no declaration', () => {
    const ir = one(RUN_FAILED_RULE);
    expect(ir.trigger).toEqual({ kind: 'event', event: 'opsflow.run_failed' });
    expect(ir.events).toEqual([RUN_FAILED_EVENT]);
    expect(ir.irVersion).toBe(IR_VERSION);
  });

  it('cannot be redeclared, and is in the program only when used', () => {
    const { diagnostics } = compile('event opsflow.run_failed { rule: string }\n');
    expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      "duplicate-event 'opsflow.run_failed' is a built-in event type: rules use it without declaring it",
    ]);
  });
});

describe('v1 rules', () => {
  it('keep irVersion 1 and no v2 keys', () => {
    const ir = one(
      'rule r\n  on inventory.updated\n  key event.sku\ndo\n  wait for order.placed as o where o.order_id == event.sku within 1h\nend\n',
    );
    expect(ir.irVersion).toBe(IR_VERSION);
    for (const key of ['flow', 'cancelOn', 'usesPrevious', 'usesEvents']) expect(ir).not.toHaveProperty(key);
  });
});
