import fc from 'fast-check';
import { fastCondition, fastExpression } from './closures';
import { generated } from './codegen';
import { evaluate, evaluateCondition, type EvalContext } from '../evaluator';
import type { ExprIR } from '../ir';
import type { Value } from '../value';
import { compileRuleSet } from '../../rule-set';
import { outcome } from '../../testing/eval-outcome';
import { GUARD_EVENT, guardEvent, guardText } from '../../testing/guard-arbitraries';
import { expr, scope } from '../../testing/ir-arbitraries';

const NOW = Date.UTC(2024, 4, 2, 10, 0, 0);

/** No budget (the default), or a small one that runs out part-way through. */
const budget = fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined });

function context(steps: number | undefined): EvalContext {
  return steps === undefined ? { now: () => NOW } : { now: () => NOW, budget: steps };
}

describe('fast expressions give exactly what the evaluator gives', () => {
  it('for random IR, scopes and budgets: the same value or the same error (code, message, span)', () => {
    fc.assert(
      fc.property(expr, scope, budget, (e, s, steps) => {
        const ctx = context(steps);
        expect(outcome(() => fastExpression(e)(s, ctx))).toEqual(outcome(() => evaluate(e, s, ctx)));
      }),
      { numRuns: 3000 },
    );
  });

  it('as conditions (null is false, anything but a bool an error)', () => {
    fc.assert(
      fc.property(expr, scope, budget, (e, s, steps) => {
        const ctx = context(steps);
        expect(outcome(() => fastCondition(e)(s, ctx))).toEqual(outcome(() => evaluateCondition(e, s, ctx)));
      }),
      { numRuns: 2000 },
    );
  });

  it('with every budget from 1 step to enough: the budget runs out at the same node', () => {
    fc.assert(
      fc.property(expr, scope, (e: ExprIR, s) => {
        for (let steps = 1; steps <= 40; steps++) {
          const ctx = context(steps);
          expect(outcome(() => fastExpression(e)(s, ctx))).toEqual(outcome(() => evaluate(e, s, ctx)));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('fast guards of compiled rules give exactly what the evaluator gives', () => {
  const guards = new Map<string, ExprIR | null>();
  /** The IR of `when <text>` through the real compiler; null when the text does not check. */
  function guardIr(text: string): ExprIR | null {
    if (!guards.has(text)) {
      const source = `${GUARD_EVENT}\n\nrule r\n  on order.placed\n  when ${text}\ndo\n  log "x"\nend\n`;
      const { rules } = compileRuleSet([{ path: 'guard.rule', content: source }]);
      guards.set(text, rules[0]?.guard ?? null);
    }
    return guards.get(text) ?? null;
  }

  it('for random well-typed guards and events that fit their schema', () => {
    let checked = 0;
    let generatedGuards = 0;
    let answered = 0;
    fc.assert(
      fc.property(guardText, fc.array(guardEvent, { minLength: 1, maxLength: 8 }), (text, events) => {
        const ir = guardIr(text);
        if (ir === null) return;
        checked++;
        const ctx = { now: () => NOW };
        const { fn, stats } = probe(ir, true, (sc, c) => evaluateCondition(ir, sc, c));
        if (fn !== undefined) generatedGuards++;
        for (const event of events) {
          const expected = outcome(() => evaluateCondition(ir, { event }, ctx));
          expect(outcome(() => fastCondition(ir)({ event }, ctx))).toEqual(expected);
          if (fn !== undefined) expect(outcome(() => fn({ event }, ctx))).toEqual(expected);
        }
        answered += events.length - stats.bailed;
      }),
      { numRuns: 600 },
    );
    // The generator writes well-typed guards: nearly all of them must compile.
    expect(checked).toBeGreaterThan(500);
    // Most well-typed guards are generated, and most of their evaluations answered without the
    // slow path (time comparisons, `now()`, durations in text and odd `extra` data bail).

    expect(generatedGuards).toBeGreaterThan(checked / 3);
    expect(answered).toBeGreaterThan(500);
  });
});

/**
 * The generated code alone, with the evaluator itself as its slow path: whatever it answers must be
 * what the evaluator answers, and `answered` counts the calls it did not hand over.
 */
function probe<T extends Value>(
  e: ExprIR,
  asCondition: boolean,
  slow: (s: Record<string, Value>, c: EvalContext) => T,
) {
  const stats = { answered: 0, bailed: 0 };
  const fn = generated<T>(
    e,
    (s, c) => {
      stats.bailed++;
      return slow(s as Record<string, Value>, c);
    },
    asCondition,
  );
  return { fn, stats };
}

describe('generated code gives exactly what the evaluator gives', () => {
  it('for random IR, scopes and budgets (values and errors), when it is generated at all', () => {
    let generatedCount = 0;
    let answered = 0;
    fc.assert(
      fc.property(expr, scope, budget, (e, s, steps) => {
        const ctx = context(steps);
        const { fn, stats } = probe(e, false, (sc, c) => evaluate(e, sc, c));
        if (fn === undefined) return;
        generatedCount++;
        expect(outcome(() => fn(s, ctx))).toEqual(outcome(() => evaluate(e, s, ctx)));
        if (stats.bailed === 0) answered++;
      }),
      { numRuns: 4000 },
    );
    // Random IR is mostly ill-typed, but a fair share must be generated and answered directly.

    expect(generatedCount).toBeGreaterThan(400);
    expect(answered).toBeGreaterThan(100);
  });

  it('as conditions, for random IR and scopes', () => {
    fc.assert(
      fc.property(expr, scope, budget, (e, s, steps) => {
        const ctx = context(steps);
        const { fn } = probe(e, true, (sc, c) => evaluateCondition(e, sc, c));
        if (fn === undefined) return;
        expect(outcome(() => fn(s, ctx))).toEqual(outcome(() => evaluateCondition(e, s, ctx)));
      }),
      { numRuns: 3000 },
    );
  });
});
