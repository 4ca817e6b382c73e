/**
 * The v2 keys of the YAML form (LANGUAGE.md §9, §12): they read into the same AST, and so the same
 * IR and hash, as the DSL; `fmt` translates both ways; bad shapes are located diagnostics.
 */
import { stripSpans } from '../ast/strip-spans';
import { compileProgram } from '../check/compile';
import { withoutSpans } from '../check/canonical-json';
import { printDsl } from '../print/print-dsl';
import { printYaml } from '../print/print-yaml';
import { parseDsl } from '../text/parse-dsl';
import { V2_EVENTS, V2_EXAMPLES } from '../testing/v2-fixtures';
import { parseYaml } from './parse-yaml';

const events = parseDsl('events.rule', V2_EVENTS).file;

function yaml(text: string) {
  return parseYaml('v2.rule.yaml', text);
}

function errors(text: string): string[] {
  return yaml(text).diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`);
}

describe('v2 YAML form', () => {
  it('reads the keys of the contract into the same IR as the DSL', () => {
    const dsl = parseDsl(
      'v2.rule',
      `rule r
  on cart.abandoned
  key event.cart_id
  debounce 30s max 5m
  limit 1 per 1d
  cancel on order.placed as o where o.customer_email == event.customer_email
do
  log "\${len(events)} \${count(order.placed as p within 1h where p.customer_email == event.customer_email)}"
  wait for first
    case order.placed as p where p.customer_email == event.customer_email
      stop
    case order.cancelled
      log "c"
  within 1h
    log "none"
  end
end
`,
    );
    const y = yaml(`rule: r
on: cart.abandoned
key: event.cart_id
debounce: { quiet: 30s, max: 5m }
limit: { runs: 1, per: 1d }
cancel_on: { event: order.placed, as: o, where: "o.customer_email == event.customer_email" }
do:
  - log: "\${len(events)} \${count(order.placed as p within 1h where p.customer_email == event.customer_email)}"
  - wait_first:
      - event: order.placed
        as: p
        where: p.customer_email == event.customer_email
        do: [stop]
      - event: order.cancelled
        do:
          - log: c
    within: 1h
    on_timeout:
      - log: none
`);
    expect(dsl.diagnostics).toEqual([]);
    expect(y.diagnostics).toEqual([]);
    expect(stripSpans(y.file.decls)).toEqual(stripSpans(dsl.file.decls));
    const a = compileProgram([events, dsl.file]);
    const b = compileProgram([events, y.file]);
    expect(a.diagnostics).toEqual([]);
    expect(withoutSpans(b.rules)).toEqual(withoutSpans(a.rules));
    expect(b.rules[0].hash).toBe(a.rules[0].hash);
    expect(b.rules[0].irVersion).toBe(2);
  });

  it('reads the short forms', () => {
    const y = yaml('rule: r\non: a.b\ndebounce: 30s\nbatch: 50\ncancel_on: order.placed\ndo: []\n');
    expect(y.diagnostics).toEqual([]);
    const rule = y.file.decls[0];
    expect(rule.kind === 'rule' && stripSpans(rule.clauses.slice(1))).toEqual([
      { kind: 'debounce', quiet: { ms: 30_000, text: '30s' } },
      { kind: 'batch', size: 50 },
      { kind: 'cancel_on', event: { name: 'order.placed' } },
    ]);
    const b = yaml(
      'rule: r\non: a.b\nbatch: { size: 10, within: 10m }\nthrottle: { runs: 10, per: 1m }\ndo: []\n',
    );
    const r2 = b.file.decls[0];
    expect(r2.kind === 'rule' && stripSpans(r2.clauses.slice(1))).toEqual([
      { kind: 'batch', size: 10, within: { ms: 600_000, text: '10m' } },
      { kind: 'throttle', runs: 10, per: { ms: 60_000, text: '1m' } },
    ]);
  });

  it('translates every example DSL → YAML → DSL keeping the AST, the IR and the hash', () => {
    const dsl = parseDsl('v2.rule', V2_EXAMPLES);
    expect(dsl.diagnostics).toEqual([]);
    const printed = printYaml(dsl.file);
    const back = yaml(printed);
    expect(back.diagnostics).toEqual([]);
    expect(stripSpans(back.file.decls)).toEqual(stripSpans(dsl.file.decls));
    expect(printYaml(back.file)).toBe(printed);
    expect(printDsl(back.file)).toBe(printDsl(dsl.file));
    const a = compileProgram([events, dsl.file]);
    const b = compileProgram([events, back.file]);
    expect(a.diagnostics).toEqual([]);
    expect(b.rules.map((r) => r.hash)).toEqual(a.rules.map((r) => r.hash));
    expect(printed).toContain('debounce:\n  quiet: 30s\n  max: 5m\n');
    expect(printed).toContain('cancel_on:\n  event: order.placed\n  as: o\n');
    expect(printed).toContain('  - wait_first:\n      - event: payment.captured\n');
  });

  it('reports bad shapes where they are', () => {
    expect(errors('rule: r\non: a.b\nthrottle: 10\ndo: []\n')).toEqual([
      "yaml-shape 3:11 'throttle' must be a mapping, found a number",
    ]);
    expect(errors('rule: r\non: a.b\nlimit: { runs: 1 }\ndo: []\n')).toEqual([
      "yaml-missing-key 3:8 'limit' needs a 'per:' key",
    ]);
    expect(errors('rule: r\non: a.b\ndebounce: { quiet: 30s, mux: 5m }\ndo: []\n')).toEqual([
      "yaml-unknown-key 3:25 unknown key 'mux' in 'debounce'; did you mean 'max'?",
    ]);
    expect(errors('rule: r\non: a.b\nbatch: lots\ndo: []\n')).toEqual([
      "yaml-shape 3:8 'batch' must be a number, found text",
    ]);
    expect(errors('rule: r\non: a.b\ndo:\n  - wait_first: []\n')).toEqual([
      "yaml-shape 4:17 'wait_first' must be a list of cases ({ event, as, where, do }), found an empty list",
    ]);
    expect(errors('rule: r\non: a.b\ndo:\n  - wait_first:\n      - as: p\n')).toEqual([
      "yaml-missing-key 5:9 a 'wait_first' case needs a 'event:' key",
    ]);
    expect(errors('rule: r\non: a.b\ndo:\n  - wait_first: [{ event: a.b }]\n    on_timeout: []\n')).toEqual([
      "yaml-shape 5:5 'on_timeout' needs 'within:' (how long to wait)",
    ]);
  });
});
