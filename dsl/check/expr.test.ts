import type { Expr } from '../ast/ast';
import { Codes } from '../core/diagnostics';
import type { DiagnosticCode } from '../core/diagnostics';
import type { RuleIR } from '../runtime/ir';
import { compileProgram } from './compile';
import { C, E, S, file, rule } from '../testing/ast-builders';
import { checkBody, errorsOf, fixtureDecls, onlyError } from '../testing/check-fixtures';

/** Checks `log <expr>` in a rule on inventory.updated. */
const checkExpr = (e: Expr) => checkBody([S.log(e)]);
const ok = (e: Expr) => expect(errorsOf(checkExpr(e))).toEqual([]);
const bad = (e: Expr, code: DiagnosticCode) => onlyError(checkExpr(e), code);
const ev = (field: string) => E.path(`event.${field}`);

/** The IR of `let v = <expr>` in a compiled rule. */
function letIr(e: Expr): RuleIR['body'][number] {
  const r = rule('r', [C.on('inventory.updated')], [S.let('v', e), S.log(E.name('v'))]);
  const { rules, diagnostics } = compileProgram([file([...fixtureDecls(), r])]);
  expect(errorsOf(diagnostics)).toEqual([]);
  return rules[0].body[0];
}

describe('names and fields', () => {
  it('reports unknown names with a suggestion', () => {
    const n = E.name('evnt');
    const d = bad(E.member(n, 'sku'), Codes.unknownName);
    expect(d.span).toEqual(n.span);
    expect(d.message).toContain("did you mean 'event'?");
  });

  it('reports unknown event fields at the field name, with a suggestion', () => {
    const m = E.member(E.name('event'), 'availble');
    const d = bad(m, Codes.unknownField);
    expect(d.span).toEqual(m.kind === 'member' && m.nameSpan);
    expect(d.message).toBe("event inventory.updated has no field 'availble'; did you mean 'available'?");
    expect(bad(ev('nope'), Codes.unknownField).message).not.toContain('did you mean');
  });

  it('refuses fields of non-objects and reserved member names', () => {
    bad(E.member(ev('sku'), 'length'), Codes.notAnObject);
    bad(E.member(E.name('event'), '__proto__'), Codes.reservedName);
    bad(E.member(ev('extra'), 'constructor'), Codes.reservedName);
    ok(E.path('event.extra.anything.at.all'));
  });

  it('indexes lists by int and objects by string', () => {
    ok(E.index(ev('tags'), E.num(0)));
    bad(E.index(ev('tags'), E.str('a')), Codes.typeMismatch);
    ok(E.index(E.name('event'), E.str('sku')));
    bad(E.index(E.name('event'), E.str('skuu')), Codes.unknownField);
    bad(E.index(ev('available'), E.num(0)), Codes.notAList);
  });
});

describe('operators', () => {
  it('compares compatible types and rejects incompatible ones at the comparison', () => {
    ok(E.bin(ev('available'), '<', ev('price')));
    ok(E.bin(ev('sku'), '==', E.str('A-1')));
    ok(E.bin(ev('updated_at'), '<', E.call('now')));
    ok(E.bin(ev('lead_time'), '>=', E.dur('2d')));
    const cmp = E.bin(ev('sku'), '==', E.num(1));
    expect(bad(cmp, Codes.incomparable).span).toEqual(cmp.span);
    bad(E.bin(ev('updated_at'), '<', E.str('2024-01-01')), Codes.incomparable);
    bad(E.bin(E.bool(true), '<', E.bool(false)), Codes.incomparable);
    bad(E.bin(ev('lead_time'), '<', E.num(5)), Codes.incomparable);
  });

  it('allows comparisons with null, ?. and ?? on optionals', () => {
    ok(E.bin(ev('supplier'), '==', E.null()));
    ok(E.bin(ev('supplier'), '!=', E.null()));
    ok(E.bin(ev('available'), '<', E.null()));
    ok(E.call('upper', E.bin(ev('supplier'), '??', E.str('none'))));
    bad(E.bin(ev('supplier'), '??', E.num(1)), Codes.typeMismatch);
  });

  it('requires bools for and/or/not', () => {
    const n = ev('available');
    expect(bad(E.bin(n, 'and', E.bool(true)), Codes.notBool).span).toEqual(n.span);
    bad(E.not(ev('sku')), Codes.notBool);
  });

  it('checks `in` against lists and strings', () => {
    ok(E.bin(E.str('vip'), 'in', ev('tags')));
    ok(E.bin(E.str('A'), 'not in', ev('sku')));
    bad(E.bin(E.num(1), 'in', ev('tags')), Codes.incomparable);
    bad(E.bin(E.str('a'), 'in', ev('available')), Codes.notAList);
  });

  it('resolves arithmetic overloads at compile time', () => {
    const arith = (e: Expr) => {
      const step = letIr(e);
      return step.kind === 'let' && step.value.kind === 'arith' ? step.value.op : undefined;
    };
    expect(arith(E.bin(ev('available'), '+', E.num(1)))).toBe('num.add');
    expect(arith(E.bin(ev('sku'), '+', E.str('x')))).toBe('str.concat');
    expect(arith(E.bin(ev('updated_at'), '+', E.dur('1h')))).toBe('time.add');
    expect(arith(E.bin(E.dur('1h'), '+', ev('updated_at')))).toBe('time.add');
    expect(arith(E.bin(E.call('now'), '-', ev('updated_at')))).toBe('time.diff');
    expect(arith(E.bin(E.num(2), '*', E.dur('1h')))).toBe('dur.mul');
    expect(arith(E.bin(E.dur('1h'), '/', E.dur('1m')))).toBe('dur.ratio');
    expect(arith(E.bin(ev('extra'), '+', E.num(1)))).toBe('dyn.add');
    const swapped = letIr(E.bin(E.dur('1h'), '+', ev('updated_at')));
    expect(swapped.kind === 'let' && swapped.value.kind === 'arith' && swapped.value.left.kind).toBe(
      'member',
    );
  });

  it('rejects arithmetic on incompatible types with a hint for text', () => {
    const e = E.bin(ev('sku'), '+', E.num(1));
    const d = bad(e, Codes.typeMismatch);
    expect(d.span).toEqual(e.span);
    expect(d.message).toContain('interpolation');
    bad(E.bin(ev('updated_at'), '+', ev('updated_at')), Codes.typeMismatch);
    bad(E.neg(ev('sku')), Codes.typeMismatch);
  });

  it('gives int for int arithmetic and number for division', () => {
    const q = E.bin(E.bin(ev('reorder_point'), '*', E.num(2)), '-', ev('available'));
    expect(errorsOf(checkBody([S.call('purchasing.create_order', { sku: ev('sku'), quantity: q })]))).toEqual(
      [],
    );
    const div = E.bin(ev('available'), '/', E.num(2));
    expect(
      onlyError(
        checkBody([S.call('purchasing.create_order', { sku: ev('sku'), quantity: div })]),
        Codes.argumentType,
      ),
    ).toBeTruthy();
  });
});

describe('functions', () => {
  it('reports unknown functions with a suggestion, at the name', () => {
    const c = E.call('uper', ev('sku'));
    const d = bad(c, Codes.unknownFunction);
    expect(d.span).toEqual(c.kind === 'call' && c.fnSpan);
    expect(d.message).toContain("did you mean 'upper'?");
  });

  it('checks arity and argument types', () => {
    bad(E.call('len'), Codes.wrongArity);
    bad(E.call('now', E.num(1)), Codes.wrongArity);
    const arg = E.num(1);
    expect(bad(E.call('lower', arg), Codes.argumentType).span).toEqual(arg.span);
    bad(E.call('max', ev('available'), ev('sku')), Codes.argumentType);
  });

  it('types the required built-ins', () => {
    for (const e of [
      E.call('len', ev('tags')),
      E.call('min', ev('available'), E.num(3)),
      E.call('max', ev('tags')),
      E.call('abs', ev('price')),
      E.call('round', ev('price')),
      E.call('floor', ev('price')),
      E.call('ceil', ev('price')),
      E.call('lower', ev('sku')),
      E.call('upper', ev('sku')),
      E.call('trim', ev('sku')),
      E.call('contains', ev('tags'), E.str('x')),
      E.call('starts_with', ev('sku'), E.str('A')),
      E.call('ends_with', ev('sku'), E.str('Z')),
      E.call('now'),
      E.call('string', ev('lead_time')),
      E.call('number', ev('sku')),
      E.call('int', ev('price')),
      E.call('join', ev('tags'), E.str(', ')),
      E.call('days', E.num(2)),
    ]) {
      ok(e);
    }
    const minIr = letIr(E.call('min', ev('available'), E.num(3)));
    expect(minIr.kind === 'let' && minIr.value.kind === 'call' && minIr.value.impl).toBe('min:number');
  });

  it('takes secret names only as literals', () => {
    const step = letIr(E.call('secret', E.str('API_TOKEN')));
    expect(step.kind === 'let' && step.value).toMatchObject({ kind: 'secret', name: 'API_TOKEN' });
    const arg = ev('sku');
    expect(bad(E.call('secret', arg), Codes.argumentType).span).toEqual(arg.span);
    expect(bad(E.call('secret', E.str('API-TOKEN')), Codes.argumentType).message).toContain(
      'not a secret name',
    );
  });
});

describe('literals', () => {
  it('types templates, lists and objects', () => {
    ok(E.tmpl('PO for ', ev('sku'), ' waits ', ev('lead_time')));
    const step = letIr(E.tmpl('wait ', ev('lead_time')));
    expect(step.kind === 'let' && step.value.kind === 'template' && step.value.parts[1]).toMatchObject({
      format: 'duration',
    });
    ok(E.list(E.num(1), E.num(2.5, '2.5'), E.null()));
    ok(E.obj({ a: E.num(1), b: E.str('x') }));
    const o = E.obj({ a: E.num(1) });
    const dupe = o.kind === 'object' ? { ...o, fields: [...o.fields, o.fields[0]] } : o;
    bad(dupe, Codes.duplicateField);
  });
});
