import { checkProgram } from './checker';
import { Codes } from '../core/diagnostics';
import { C, E, S, action, event, file, rule, tObj, useFile } from '../testing/ast-builders';
import { checkBody, errorsOf, fixtureDecls, onlyError } from '../testing/check-fixtures';

const log = () => S.log(E.str('hi'));

describe('declarations', () => {
  it('accepts the fixture rule set', () => {
    expect(errorsOf(checkBody([log()]))).toEqual([]);
  });

  it('reports duplicate rules, events and actions at the second name, across files', () => {
    useFile('a.rule');
    const r1 = rule('dup', [C.on('inventory.updated')], [log()]);
    const e1 = event('x.happened', { id: 'string' });
    const a1 = action('x.do', {});
    const fa = file([...fixtureDecls(), r1, e1, a1]);
    useFile('b.rule');
    const r2 = rule('dup', [C.on('inventory.updated')], [log()]);
    const e2 = event('x.happened', { id: 'string' });
    const a2 = action('x.do', {});
    const fb = file([r2, e2, a2]);
    useFile('test.rule');
    const { diagnostics } = checkProgram([fa, fb]);
    const byCode = (code: string) => diagnostics.filter((d) => d.code === code);
    expect(byCode(Codes.duplicateRule).map((d) => d.span)).toEqual([r2.nameSpan]);
    expect(byCode(Codes.duplicateEvent).map((d) => d.span)).toEqual([e2.nameSpan]);
    expect(byCode(Codes.duplicateAction).map((d) => d.span)).toEqual([a2.nameSpan]);
    expect(byCode(Codes.duplicateRule)[0].message).toContain('a.rule');
  });

  it('lets a rule use an event declared in another file', () => {
    const f1 = file([event('ticket.opened', { id: 'string' })], 'events.rule');
    const f2 = file([rule('r', [C.on('ticket.opened')], [S.log(E.path('event.id'))])], 'rules.rule');
    expect(checkProgram([f2, f1]).diagnostics).toEqual([]);
  });

  it('reports duplicate fields and reserved field names', () => {
    const e = event('x.y', { a: 'int', constructor: 'int' });
    const dupe = { ...e, fields: [...e.fields, { ...e.fields[0] }] };
    const { diagnostics } = checkProgram([file([dupe])]);
    expect(diagnostics.map((d) => d.code).sort()).toEqual([Codes.duplicateField, Codes.reservedName]);
  });

  it('refuses to redeclare a built-in action, accepts repeating a connector signature', () => {
    const builtin = action('notify.slack', { channel: 'string', text: 'string' });
    expect(onlyError(checkProgram([file([builtin])]).diagnostics, Codes.duplicateAction).span).toEqual(
      builtin.nameSpan,
    );
    const connector = {
      name: 'crm.tag',
      params: [{ name: 'id', type: { kind: 'string' as const } }],
      result: { kind: 'object' as const, fields: [] },
    };
    const same = action('crm.tag', { id: 'string' });
    expect(checkProgram([file([same])], { actions: [connector] }).diagnostics).toEqual([]);
    const different = action('crm.tag', { id: 'int' });
    expect(
      onlyError(
        checkProgram([file([different])], { actions: [connector] }).diagnostics,
        Codes.duplicateAction,
      ),
    ).toBeTruthy();
  });
});

describe('triggers and clauses', () => {
  it('needs a trigger: no-trigger at the rule name', () => {
    const r = rule('lonely', [], [log()]);
    const d = onlyError(checkProgram([file([r])]).diagnostics, Codes.noTrigger);
    expect(d.span).toEqual(r.nameSpan);
  });

  it('allows one trigger: multiple-triggers at the second', () => {
    const second = C.every('5m');
    const d = onlyError(checkBody([log()], [C.on('inventory.updated'), second]), Codes.multipleTriggers);
    expect(d.span).toEqual(second.span);
    const manual = C.manual({ n: 'int' });
    expect(onlyError(checkBody([log()], [C.cron('0 9 * * *'), manual]), Codes.multipleTriggers).span).toEqual(
      manual.span,
    );
  });

  it('reports a duplicate clause at the second one', () => {
    const second = C.concurrency('queue');
    const d = onlyError(
      checkBody([log()], [C.on('inventory.updated'), C.concurrency('single'), second]),
      Codes.duplicateClause,
    );
    expect(d.span).toEqual(second.span);
  });

  it('reports an unknown event in `on` at the event name, with a suggestion', () => {
    const on = C.on('inventory.updatd');
    const d = onlyError(checkBody([log()], [on]), Codes.unknownEvent);
    expect(d.span).toEqual(on.kind === 'on' && on.event.span);
    expect(d.message).toContain("did you mean 'inventory.updated'?");
  });

  it('validates 5-field cron expressions and time zones', () => {
    expect(errorsOf(checkBody([log()], [C.cron('0 9 * * 1-5', 'Europe/Paris')]))).toEqual([]);
    for (const bad of ['61 * * * *', '* * * *', '*/5 * * * * *', 'a b c d e']) {
      const clause = C.cron(bad);
      const d = onlyError(checkBody([log()], [clause]), Codes.invalidCron);
      expect(d.span).toEqual(clause.kind === 'every_cron' && clause.cronSpan);
    }
    const tz = C.cron('0 9 * * *', 'Europe/Pariss');
    const d = onlyError(checkBody([log()], [tz]), Codes.invalidTimezone);
    expect(d.span).toEqual(tz.kind === 'every_cron' && tz.timezoneSpan);
    expect(d.message).toContain("did you mean 'Europe/Paris'?");
  });

  it('rejects schedule intervals under a second and non-positive timeouts', () => {
    expect(onlyError(checkBody([log()], [C.every('500ms')]), Codes.invalidDuration)).toBeTruthy();
    expect(
      onlyError(checkBody([log()], [C.on('inventory.updated'), C.timeout('0s')]), Codes.invalidDuration),
    ).toBeTruthy();
  });

  it('rejects `event` without `on` and `input` without `manual`, at the name', () => {
    const ev = E.name('event');
    const d1 = onlyError(checkBody([S.log(E.member(ev, 'sku'))], [C.every('1h')]), Codes.eventWithoutOn);
    expect(d1.span).toEqual(ev.span);
    const inp = E.name('input');
    const d2 = onlyError(checkBody([S.log(inp)], [C.on('inventory.updated')]), Codes.inputWithoutManual);
    expect(d2.span).toEqual(inp.span);
    expect(errorsOf(checkBody([S.log(E.path('input.n'))], [C.manual({ n: 'int' })]))).toEqual([]);
  });

  it('requires a bool `when`, checked against the trigger event', () => {
    const guard = E.path('event.available');
    const d = onlyError(checkBody([log()], [C.on('inventory.updated'), C.when(guard)]), Codes.notBool);
    expect(d.span).toEqual(guard.span);
    const ok = E.bin(E.path('event.available'), '<', E.path('event.reorder_point'));
    expect(errorsOf(checkBody([log()], [C.on('inventory.updated'), C.when(ok)]))).toEqual([]);
  });

  it('refuses a list or object as key', () => {
    const key = E.path('event.tags');
    expect(
      onlyError(checkBody([log()], [C.on('inventory.updated'), C.key(key)]), Codes.typeMismatch).span,
    ).toEqual(key.span);
  });
});

describe('warnings', () => {
  it('warns about unused lets and unreachable statements, without errors', () => {
    const unused = S.let('x', E.num(1));
    const after = S.log(E.str('never'));
    const diags = checkBody([unused, S.stop(), after]);
    expect(errorsOf(diags)).toEqual([]);
    expect(diags.map((d) => [d.code, d.severity, d.span])).toEqual([
      [Codes.unusedBinding, 'warning', unused.kind === 'let' && unused.name.span],
      [Codes.unreachable, 'warning', after.span],
    ]);
    const used = S.let('y', E.num(1));
    expect(checkBody([used, S.log(E.name('y'))])).toEqual([]);
    expect(checkBody([S.let('_z', E.num(1))])).toEqual([]);
  });

  it('counts a read in compensate as a use', () => {
    const diags = checkBody([S.let('po', E.str('x'))], undefined, { compensate: [S.log(E.name('po'))] });
    expect(diags).toEqual([]);
  });

  it('describes object types of action results by name', () => {
    const diags = checkBody([
      S.call('purchasing.create_order', { sku: E.str('a'), quantity: E.num(1) }, { bind: 'po' }),
      S.log(E.path('po.nope')),
    ]);
    expect(onlyError(diags, Codes.unknownField).message).toContain('the result of purchasing.create_order');
  });

  it('keeps object types written in declarations', () => {
    const ev = event('x.y', { meta: tObj({ a: 'int' }) });
    const r = rule('r', [C.on('x.y')], [S.log(E.path('event.meta.b'))]);
    expect(onlyError(checkProgram([file([ev, r])]).diagnostics, Codes.unknownField).message).toContain(
      "did you mean 'a'?",
    );
  });
});
