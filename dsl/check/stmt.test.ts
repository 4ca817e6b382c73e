import type { Stmt } from '../ast/ast';
import { Codes } from '../core/diagnostics';
import { C, E, S } from '../testing/ast-builders';
import { checkBody, errorsOf, onlyError } from '../testing/check-fixtures';

const order = (args = { sku: E.path('event.sku'), quantity: E.num(3) }, opts = {}) =>
  S.call('purchasing.create_order', args, opts);

describe('let and set', () => {
  it('rejects a let of a bound name, including event and loop variables', () => {
    const second = S.let('x', E.num(2));
    const d = onlyError(checkBody([S.let('x', E.num(1)), S.log(E.name('x')), second]), Codes.alreadyBound);
    expect(d.span).toEqual(second.kind === 'let' && second.name.span);
    expect(onlyError(checkBody([S.let('event', E.num(1))]), Codes.alreadyBound)).toBeTruthy();
    const inLoop = S.let('t', E.num(1));
    const loop = S.forEach('t', E.list(E.str('a')), [inLoop]);
    expect(onlyError(checkBody([loop]), Codes.alreadyBound).span).toEqual(
      inLoop.kind === 'let' && inLoop.name.span,
    );
  });

  it('scopes names to their block; siblings may reuse a name', () => {
    const inner = S.let('y', E.num(1));
    const use = E.name('y');
    const d = onlyError(
      checkBody([S.if([[E.bool(true), [inner, S.log(E.name('y'))]]]), S.log(use)]),
      Codes.unknownName,
    );
    expect(d.span).toEqual(use.span);
    const twice = [
      S.forEach('item', E.list(E.num(1)), [S.log(E.name('item'))]),
      S.forEach('item', E.list(E.num(2)), [S.log(E.name('item'))]),
    ];
    expect(checkBody(twice)).toEqual([]);
  });

  it('rejects set of an unbound name, of a non-let, and of a wrong type', () => {
    const unbound = S.set('qtty', E.num(1));
    const d = onlyError(checkBody([S.let('qty', E.num(1)), S.log(E.name('qty')), unbound]), Codes.setUnbound);
    expect(d.span).toEqual(unbound.kind === 'set' && unbound.name.span);
    expect(d.message).toContain("did you mean 'qty'?");
    const loopSet = S.forEach('i', E.list(E.num(1)), [S.set('i', E.num(2))]);
    expect(onlyError(checkBody([loopSet]), Codes.immutableBinding)).toBeTruthy();
    const wrong = E.str('many');
    const d2 = onlyError(
      checkBody([S.let('n', E.num(1)), S.set('n', wrong), S.log(E.name('n'))]),
      Codes.typeMismatch,
    );
    expect(d2.span).toEqual(wrong.span);
  });

  it('types an int literal as int (set to a number is refused) and 0.0 as number', () => {
    const frac = E.bin(E.name('n'), '+', E.num(0.5));
    expect(onlyError(checkBody([S.let('n', E.num(0)), S.set('n', frac)]), Codes.typeMismatch)).toBeTruthy();
    expect(
      errorsOf(checkBody([S.let('n', E.num(0, '0.0')), S.set('n', E.bin(E.name('n'), '+', E.num(0.5)))])),
    ).toEqual([]);
  });

  it('lets `let x = null` take any later value', () => {
    expect(errorsOf(checkBody([S.let('found', E.null()), S.set('found', E.str('x'))]))).toEqual([]);
  });
});

describe('call', () => {
  it('accepts a well-typed call and binds its result', () => {
    expect(checkBody([order(undefined, { bind: 'po' }), S.log(E.path('po.id'))])).toEqual([]);
  });

  it('rejects an unknown action at its name, with a suggestion', () => {
    const call = S.call('purchasing.create_ordr', {});
    const d = onlyError(checkBody([call]), Codes.unknownAction);
    expect(d.span).toEqual(call.kind === 'call' && call.action.span);
    expect(d.message).toContain("did you mean 'purchasing.create_order'?");
  });

  it('rejects missing, unknown, duplicate and wrongly typed arguments', () => {
    const missing = order({ sku: E.str('a') } as never);
    expect(onlyError(checkBody([missing]), Codes.missingArgument).span).toEqual(
      missing.kind === 'call' && missing.action.span,
    );

    const unknown = order({ sku: E.str('a'), quantity: E.num(1), quantiy: E.num(2) } as never);
    const d = onlyError(checkBody([unknown]), Codes.unknownArgument);
    expect(d.span).toEqual(unknown.kind === 'call' && unknown.args[2].nameSpan);
    expect(d.message).toContain("did you mean 'quantity'?");

    const badValue = E.str('ten');
    const d2 = onlyError(checkBody([order({ sku: E.str('a'), quantity: badValue })]), Codes.argumentType);
    expect(d2.span).toEqual(badValue.span);
    expect(d2.message).toContain('must be int, not string');

    const dup = order();
    const dupCall = dup.kind === 'call' ? { ...dup, args: [...dup.args, dup.args[0]] } : dup;
    expect(onlyError(checkBody([dupCall]), Codes.duplicateArgument)).toBeTruthy();
  });

  it('accepts an optional value for an optional parameter and a number literal that is an int', () => {
    expect(
      checkBody([
        order({ sku: E.str('a'), quantity: E.num(1), supplier: E.path('event.supplier') } as never),
      ]),
    ).toEqual([]);
    expect(
      onlyError(checkBody([order({ sku: E.str('a'), quantity: E.num(1.5) })]), Codes.argumentType),
    ).toBeTruthy();
  });

  it('validates retry and timeout', () => {
    const bad = (retry: { attempts: number; every?: string; backoff?: number }) =>
      checkBody([order(undefined, { retry })]).filter((d) => d.code === Codes.invalidRetry).length;
    expect(bad({ attempts: 0 })).toBe(1);
    expect(bad({ attempts: 3, backoff: 0.5 })).toBe(1);
    expect(bad({ attempts: 3, every: '0s' })).toBe(1);
    expect(bad({ attempts: 5, every: '30s', backoff: 2 })).toBe(0);
    expect(onlyError(checkBody([order(undefined, { timeout: '0s' })]), Codes.invalidDuration)).toBeTruthy();
  });

  it('says when a function name is used as an action and vice versa', () => {
    const expr = E.call('notify.slack', E.str('x'));
    expect(onlyError(checkBody([S.log(expr)]), Codes.unknownFunction).message).toContain('is an action');
  });
});

describe('control flow', () => {
  it('requires bool conditions for if and where', () => {
    const cond = E.path('event.sku');
    expect(onlyError(checkBody([S.if([[cond, []]])]), Codes.notBool).span).toEqual(cond.span);
    const where = E.path('c.po_id');
    expect(
      onlyError(checkBody([S.wait('purchase_order.confirmed', { as: 'c', where })]), Codes.notBool).span,
    ).toEqual(where.span);
  });

  it('accepts bool? conditions (null is false)', () => {
    const ok = E.member(E.name('c'), 'x', true);
    expect(
      onlyError(
        checkBody([S.wait('purchase_order.confirmed', { as: 'c', within: '1d' }), S.if([[ok, []]])]),
        Codes.unknownField,
      ),
    ).toBeTruthy();
    const approved = E.member(E.name('d'), 'approved', true);
    expect(checkBody([S.approve(E.str('ok?'), { as: 'd', within: '1d' }), S.if([[approved, []]])])).toEqual(
      [],
    );
  });

  it('requires a duration for sleep and a time for sleep until', () => {
    const n = E.num(5);
    expect(onlyError(checkBody([S.sleep(n)]), Codes.notDuration).span).toEqual(n.span);
    expect(checkBody([S.sleep(E.dur('48h')), S.sleep(E.path('event.lead_time'))])).toEqual([]);
    const s = E.str('2024-01-01');
    expect(onlyError(checkBody([S.sleepUntil(s)]), Codes.notTime).span).toEqual(s.span);
    expect(checkBody([S.sleepUntil(E.bin(E.path('event.updated_at'), '+', E.dur('2d')))])).toEqual([]);
  });

  it('checks wait: unknown event, fields of the bound event, correlation scope', () => {
    const w = S.wait('purchase_order.confirmd', {});
    expect(onlyError(checkBody([w]), Codes.unknownEvent).span).toEqual(w.kind === 'wait' && w.event.span);
    const field = E.member(E.name('c'), 'po_idd');
    const where = E.bin(field, '==', E.str('x'));
    const d = onlyError(
      checkBody([S.wait('purchase_order.confirmed', { as: 'c', where })]),
      Codes.unknownField,
    );
    expect(d.span).toEqual(field.kind === 'member' && field.nameSpan);
    expect(d.message).toContain("did you mean 'po_id'?");
    const after = E.member(E.name('c'), 'nope');
    const afterWait: Stmt[] = [S.wait('purchase_order.confirmed', { as: 'c', within: '2d' }), S.log(after)];
    expect(onlyError(checkBody(afterWait), Codes.unknownField)).toBeTruthy();
  });

  it('checks for each over a list, and emit fields', () => {
    const notList = E.path('event.sku');
    expect(onlyError(checkBody([S.forEach('x', notList, [])]), Codes.notAList).span).toEqual(notList.span);
    expect(checkBody([S.forEach('t', E.path('event.tags'), [S.log(E.call('upper', E.name('t')))])])).toEqual(
      [],
    );
    const emitOk = S.emit('purchase_order.confirmed', { po_id: E.str('1') });
    expect(checkBody([emitOk])).toEqual([]);
    const unknownField = S.emit('purchase_order.confirmed', { po_id: E.str('1'), po_idx: E.str('2') });
    expect(onlyError(checkBody([unknownField]), Codes.unknownField).message).toContain(
      "did you mean 'po_id'?",
    );
    const missing = S.emit('purchase_order.confirmed', { confirmed_by: E.str('x') });
    expect(onlyError(checkBody([missing]), Codes.missingArgument)).toBeTruthy();
    const wrong = E.num(1);
    expect(
      onlyError(checkBody([S.emit('purchase_order.confirmed', { po_id: wrong })]), Codes.argumentType).span,
    ).toEqual(wrong.span);
    expect(onlyError(checkBody([S.emit('nope.event', {})]), Codes.unknownEvent)).toBeTruthy();
  });

  it('checks approve: description type and the bound decision', () => {
    const bad = E.num(1);
    expect(onlyError(checkBody([S.approve(bad)]), Codes.typeMismatch).span).toEqual(bad.span);
    const ok: Stmt[] = [
      S.approve(E.tmpl('Reorder ', E.path('event.sku'), '?'), { by: E.str('ops'), as: 'd', within: '1d' }),
      S.if([[E.path('d.approved'), [S.log(E.path('d.by'))]]]),
      S.log(E.bin(E.path('d.comment'), '??', E.str(''))),
    ];
    expect(checkBody(ok)).toEqual([]);
  });

  it('checks parallel branches in their own scopes', () => {
    const p = S.parallel(
      [S.let('a', E.num(1)), S.log(E.name('a'))],
      [S.let('a', E.num(2)), S.log(E.name('a'))],
    );
    expect(checkBody([p])).toEqual([]);
  });

  it('lets compensate read body names', () => {
    const body = [order(undefined, { bind: 'po' })];
    const compensate = [S.if([[E.bin(E.name('po'), '!=', E.null()), [S.log(E.path('po.id'))]]])];
    expect(checkBody(body, [C.on('inventory.updated')], { compensate })).toEqual([]);
  });
});
