/**
 * Deep and long inputs through the whole front end (issue 12): parse, check, compile (hash,
 * canonical JSON), print in both forms, explain the guard. Nothing throws or exhausts the stack,
 * no `internal-error`, every diagnostic is located in its file; what compiles evaluates within the
 * evaluator's limits.
 */
import fc from 'fast-check';
import { stableStringify } from './check/canonical-json';
import { printDsl } from './print/print-dsl';
import { printYaml } from './print/print-yaml';
import { compileRuleSet, parseSource } from './rule-set';
import { EvalError, evaluate, explainGuard, formatExplanation, MAX_EXPLANATION_BYTES } from './runtime';

const DECLS = 'event e {\n  n: int\n  s: string\n  a: any\n}\n\n';

/** Expressions nested `n` deep in one way; each is valid at every depth. */
const SHAPES: Record<string, (n: number) => string> = {
  not: (n) => `${'not '.repeat(n)}true`,
  neg: (n) => `${'- '.repeat(n)}event.n < 0`,
  or: (n) => Array.from({ length: n + 1 }, (_, i) => `event.n == ${i}`).join(' or '),
  and: (n) => Array.from({ length: n + 1 }, (_, i) => `event.n != ${i}`).join(' and '),
  plus: (n) => `event.n${' + 1'.repeat(n)} > 0`,
  coalesce: (n) => `(event.s${' ?? event.s'.repeat(n)}) == ""`,
  member: (n) => `event.a${'.a'.repeat(n)} == null`,
  index: (n) => `event.a${'[0]'.repeat(n)} == null`,
  parens: (n) => `${'('.repeat(n)}true${')'.repeat(n)}`,
  lists: (n) => `event.n in ${'['.repeat(n)}1${']'.repeat(n)}`,
  calls: (n) => `${'abs('.repeat(n)}event.n${')'.repeat(n)} > 0`,
  interpolation: (n) => `"${'${"'.repeat(n)}x${'"}'.repeat(n)}" == ""`,
  long_text: (n) => `event.s == "${'长'.repeat(n * 100)}"`,
  wide_list: (n) => `event.n in [${Array.from({ length: n * 2 }, (_, i) => i).join(', ')}]`,
};

/** Where an expression goes in a rule, in the DSL form. */
const PLACES: Record<string, (expr: string) => string> = {
  guard: (x) => `rule r\n  on e\n  when ${x}\ndo\n  log "x"\nend\n`,
  let: (x) => `rule r\n  on e\ndo\n  let v = ${x}\n  log "\${v}"\nend\n`,
  if: (x) => `rule r\n  on e\ndo\n  if ${x}\n    log "x"\n  end\nend\n`,
  template: (x) => `rule r\n  on e\ndo\n  log "\${${x}}"\nend\n`,
};

/** Statement blocks nested `n` deep. */
const BLOCKS: Record<string, (n: number) => string> = {
  ifs: (n) => `${'  if event.n > 0\n'.repeat(n)}    log "x"\n${'  end\n'.repeat(n)}`,
  parallels: (n) => `${'  parallel\n    branch\n'.repeat(n)}    log "x"\n${'    end\n  end\n'.repeat(n)}`,
  loops: (n) => `${'  for each x in [1]\n'.repeat(n)}    log "x"\n${'  end\n'.repeat(n)}`,
};

/** The same expressions in the YAML form, and YAML's own nesting. */
const YAML_PLACES: Record<string, (x: string, n: number) => string> = {
  when: (x) => `rule: r\non: e\nwhen: ${JSON.stringify(x)}\ndo:\n  - log: x\n`,
  flow: (_x, n) => `rule: r\non: e\ndo:\n  - log: ${'['.repeat(n)}x${']'.repeat(n)}\n`,
  steps: (_x, n) =>
    `rule: r\non: e\ndo:\n${Array.from({ length: n }, (_, i) => `${'  '.repeat(2 * i + 1)}- if: "event.n > 0"\n${'  '.repeat(2 * i + 2)}then:\n`).join('')}${'  '.repeat(2 * n + 1)}- log: x\n`,
  aliases: (_x, n) => {
    let y = 'rule: r\non: e\ndo:\n  - &s1 {log: x}\n';
    for (let i = 2; i <= Math.min(n, 12); i++) y += `  - &s${i} {parallel: [[*s${i - 1}, *s${i - 1}]]}\n`;
    return y;
  },
};

/** Around the nesting guard (64), the evaluator (200) and the parser's bound (1000). */
const DEPTHS = [64, 65, 201, 1001];
/** Far past every limit: in one place per shape (they cost seconds each). */
const VERY_DEEP = 5000;

function expectLocated(
  file: string,
  content: string,
  diagnostics: readonly { code: string; span: { file: string; line: number; column: number } }[],
) {
  const lines = content.split('\n').length;
  for (const d of diagnostics) {
    expect(d.code).not.toBe('internal-error');
    if (d.span.file !== file) continue;
    expect(d.span.line).toBeGreaterThanOrEqual(1);
    expect(d.span.line).toBeLessThanOrEqual(lines);
    expect(d.span.column).toBeGreaterThanOrEqual(1);
  }
}

/** Everything the front end does with one file; throws only if a step does. */
function throughFrontEnd(path: string, content: string): void {
  const files = [
    { path: 'decls.rule', content: DECLS },
    { path, content },
  ];
  const compiled = compileRuleSet(files);
  expectLocated(path, content, compiled.diagnostics);
  const parsed = parseSource({ path, content });
  if (parsed.file) {
    printDsl(parsed.file);
    printYaml(parsed.file);
  }
  for (const rule of compiled.rules) {
    stableStringify(rule, 2);
    if (!rule.guard) continue;
    const scope = { event: { n: 1, s: '', a: null } };
    try {
      evaluate(rule.guard, scope, { now: () => 0 });
    } catch (err) {
      // What checks clean may fail on data, never for its own depth or size.
      expect(err).toBeInstanceOf(EvalError);
      expect((err as EvalError).code).not.toMatch(/too-deep|budget/);
    }
    const text = formatExplanation(explainGuard(rule.guard, scope, { now: () => 0 }));
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_EXPLANATION_BYTES);
  }
}

describe('the front end on deep and long inputs', () => {
  it.each(Object.keys(SHAPES))('%s expressions at every depth, in every place', (shape) => {
    for (const depth of DEPTHS) {
      const expr = SHAPES[shape](depth);
      for (const place of Object.keys(PLACES)) {
        expect(() => throughFrontEnd(`${shape}-${depth}-${place}.rule`, PLACES[place](expr))).not.toThrow();
      }
      expect(() =>
        throughFrontEnd(`${shape}-${depth}.rule.yaml`, YAML_PLACES.when(expr, depth)),
      ).not.toThrow();
    }
    const deep = SHAPES[shape](['long_text', 'wide_list'].includes(shape) ? 1000 : VERY_DEEP);
    expect(() => throughFrontEnd(`${shape}-deep.rule`, PLACES.guard(deep))).not.toThrow();
  });

  it.each(Object.keys(BLOCKS))('%s nested at every depth', (blocks) => {
    for (const depth of [64, 65, 300]) {
      const content = `rule r\n  on e\ndo\n${BLOCKS[blocks](depth)}end\n`;
      expect(() => throughFrontEnd(`${blocks}-${depth}.rule`, content)).not.toThrow();
    }
  });

  it.each(['flow', 'steps', 'aliases'])('YAML %s nested at every depth', (place) => {
    for (const depth of [12, 64, 65, 300]) {
      expect(() =>
        throughFrontEnd(`${place}-${depth}.rule.yaml`, YAML_PLACES[place]('', depth)),
      ).not.toThrow();
    }
  });

  it('random mixes of deep and long pieces', () => {
    const piece = fc.tuple(fc.constantFrom(...Object.keys(SHAPES)), fc.integer({ min: 1, max: 400 }));
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...Object.keys(PLACES)),
        fc.constantFrom(' and ', ' or ', ' == ', ' + '),
        (pieces, place, glue) => {
          const expr = pieces.map(([shape, n]) => `(${SHAPES[shape](n)})`).join(glue);
          throughFrontEnd('mix.rule', PLACES[place](expr));
          throughFrontEnd('mix.rule.yaml', YAML_PLACES.when(expr, 0));
        },
      ),
      { numRuns: 12, seed: 12 },
    );
  });
});
