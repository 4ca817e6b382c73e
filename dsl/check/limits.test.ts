import { compileRuleSet } from '../rule-set';
import { EvalError, evaluate, type ExprIR } from '../runtime';
import { DEFAULT_EVAL_BUDGET, MAX_DEPTH } from '../runtime/evaluator-meter';
import { MAX_RULE_IR_BYTES } from './compile';

const EVENT = 'event e {\n  n: int\n  s: string?\n  a: any\n}\n\n';
const ruleWith = (guard: string, body = '  log "x"\n') =>
  `${EVENT}rule r\n  on e\n  when ${guard}\ndo\n${body}end\n`;
const compile = (content: string) => compileRuleSet([{ path: 'r.rule', content }]);

/** Guards of a growing nesting depth, in the shapes the parser builds without recursion. */
const SHAPES: Record<string, (n: number) => string> = {
  or: (n) => Array.from({ length: n + 1 }, (_, i) => `event.n == ${i}`).join(' or '),
  and: (n) => Array.from({ length: n + 1 }, (_, i) => `event.n != ${i}`).join(' and '),
  not: (n) => `${'not '.repeat(n)}true`,
  neg: (n) => `${'- '.repeat(n)}event.n < 0`,
  plus: (n) => `event.n${' + 1'.repeat(n)} > 0`,
  coalesce: (n) => `(event.s${' ?? event.s'.repeat(n)}) == null`,
  member: (n) => `event.a${'.a'.repeat(n)} == null`,
  index: (n) => `event.a${'["a"]'.repeat(n)} == null`,
};

/** `a` nested n deep: `{ a: { a: ... } }`. */
function nestedData(n: number): unknown {
  let v: unknown = null;
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}

function evalGuard(guard: ExprIR): 'ok' | string {
  try {
    evaluate(guard, { event: { n: 1, s: null, a: nestedData(MAX_DEPTH + 5) } as never }, { now: () => 0 });
    return 'ok';
  } catch (err) {
    if (err instanceof EvalError) return err.code;
    throw err;
  }
}

describe('the checker refuses what the evaluator would (issue 12)', () => {
  it.each(Object.keys(SHAPES))(
    '%s: the deepest guard that checks clean evaluates; one level more is refused by both',
    (shape) => {
      const make = SHAPES[shape];
      // The deepest n that still checks clean.
      let lo = 1;
      let hi = MAX_DEPTH + 10;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (compile(ruleWith(make(mid))).rules.length === 1) lo = mid;
        else hi = mid - 1;
      }
      const clean = compile(ruleWith(make(lo)));
      expect(clean.diagnostics).toEqual([]);
      const guard = clean.rules[0].guard as ExprIR;
      expect(evalGuard(guard)).toBe('ok');
      // One more level: the checker's diagnostic names the limit at the expression...
      const refused = compile(ruleWith(make(lo + 1)));
      expect(refused.diagnostics.map((d) => [d.code, d.span.line, d.span.column])).toEqual([
        ['expression-too-deep', 9, 8],
      ]);
      expect(refused.diagnostics[0].message).toContain(`${MAX_DEPTH} levels`);
      // ...and the evaluator refuses the same guard one level deeper.
      expect(evalGuard({ kind: 'not', operand: guard, span: guard.span })).toBe('too-deep');
    },
  );

  it('refuses an expression with more parts than the step budget', () => {
    // In the DSL form the rule's token limit comes first; the YAML form reaches the checker.
    const items = Array.from({ length: DEFAULT_EVAL_BUDGET + 1 }, () => '1').join(', ');
    const result = compileRuleSet([
      { path: 'e.rule', content: EVENT },
      { path: 'r.rule.yaml', content: `rule: r\non: e\nwhen: "event.n in [${items}]"\ndo:\n  - log: x\n` },
    ]);
    expect(result.diagnostics.map((d) => [d.code, d.span.file, d.span.line])).toEqual([
      ['expression-too-large', 'r.rule.yaml', 3],
    ]);
  });

  it('refuses a rule whose IR is too large to travel in a run input, at the rule', () => {
    const body = '  if event.n > 1\n    log "x"\n  end\n'.repeat(400);
    const result = compile(ruleWith('true', body));
    expect(result.rules).toEqual([]);
    expect(result.diagnostics.map((d) => [d.code, d.span.file, d.span.line])).toEqual([
      ['rule-too-large', 'r.rule', 7],
    ]);
    expect(result.diagnostics[0].message).toContain(`${MAX_RULE_IR_BYTES / 1024} KiB`);
    // The 3.8 MiB rule of 108,000 `if` blocks is refused before it is parsed, at the rule.
    const huge = compile(ruleWith('true', '  if event.n > 1\n    log "x"\n  end\n'.repeat(108_000)));
    expect(huge.diagnostics.map((d) => [d.code, d.span.file, d.span.line, d.span.column])).toEqual([
      ['rule-too-large', 'r.rule', 7, 1],
    ]);
    // Well under it, the same rule compiles.
    expect(compile(ruleWith('true', body.slice(0, body.length / 4))).diagnostics).toEqual([]);
  });
});
