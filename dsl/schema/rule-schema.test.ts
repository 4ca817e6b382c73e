import * as fs from 'fs';
import * as path from 'path';
import schema from './rule.schema.json';
import { VALID_FIXTURES } from '../testing/yaml-fixtures';
import { schemaErrors } from '../testing/yaml-schema';
import { printYaml } from '../print/print-yaml';
import { ACTION_KEYS, EVENT_KEYS, parseYaml, RULE_KEYS } from '../yaml/parse-yaml';
import { STEP_KEYS } from '../yaml/steps';
import { parseDsl } from '../text/parse-dsl';
import { V2_EXAMPLES } from '../testing/v2-fixtures';

/** Every `*.rule.yaml` / `*.rule.yml` below `dir`, recursively; none when it does not exist. */
function ruleFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ruleFiles(full);
    return /\.rule\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

type SchemaNode = { [key: string]: unknown };
const definitions = (schema as unknown as { definitions: Record<string, SchemaNode> }).definitions;

describe('rule.schema.json', () => {
  it.each(Object.entries(VALID_FIXTURES))('accepts the fixture %s and its printed form', (_name, source) => {
    expect(schemaErrors(source)).toEqual([]);
    expect(schemaErrors(printYaml(parseYaml('f.rule.yaml', source).file))).toEqual([]);
  });

  it('accepts every rule file of the example rule set, and the loader reads them cleanly', () => {
    const root = path.join(__dirname, '..', '..', 'rules');
    for (const file of ruleFiles(root)) {
      const source = fs.readFileSync(file, 'utf8');
      expect({ file, errors: schemaErrors(source) }).toEqual({ file, errors: [] });
      const loaded = parseYaml(path.relative(root, file), source);
      expect({ file, diagnostics: loaded.diagnostics }).toEqual({ file, diagnostics: [] });
    }
  });

  it.each([
    ['an unknown rule key', 'rule: r\non: e\nwhn: x\ndo: []\n'],
    ['a rule without do', 'rule: r\non: e\n'],
    ['a rule without a trigger', 'rule: r\ndo: []\n'],
    ['a rule with two triggers', 'rule: r\non: e\nevery: 1h\ndo: []\n'],
    ['a timezone without every', 'rule: r\non: e\ntimezone: UTC\ndo: []\n'],
    ['an unknown concurrency mode', 'rule: r\non: e\nconcurrency: sometimes\ndo: []\n'],
    ['an unknown step', 'rule: r\non: e\ndo:\n  - sleeep: 1h\n'],
    ['an unknown key in a step', 'rule: r\non: e\ndo:\n  - call: a.b\n    wiht: {}\n'],
    ['a let without value', 'rule: r\non: e\ndo:\n  - let: x\n'],
    ['a bad duration', 'rule: r\non: e\ndo:\n  - wait: a\n    within: 2 days\n'],
    ['a retry without attempts', 'rule: r\non: e\ndo:\n  - call: a\n    retry: { every: 1s }\n'],
    ['a binding that is not a name', 'rule: r\non: e\ndo:\n  - let: a.b\n    value: 1\n'],
    ['an event with an unknown key', 'event: e\nfeilds: {}\n'],
    ['an action with a list of params', 'action: a\nparams: [a]\n'],
  ])('rejects %s', (_what, source) => {
    expect(schemaErrors(source).length).toBeGreaterThan(0);
  });

  it('describes the same keys the loader reads', () => {
    const keysOf = (def: string) => Object.keys((definitions[def].properties ?? {}) as object).sort();
    expect(keysOf('rule')).toEqual([...RULE_KEYS].sort());
    expect(keysOf('event')).toEqual([...EVENT_KEYS].sort());
    expect(keysOf('action')).toEqual([...ACTION_KEYS].sort());
    for (const [kind, keys] of Object.entries(STEP_KEYS)) {
      expect({ kind, keys: keysOf(`step_${kind}`) }).toEqual({ kind, keys: [...keys].sort() });
    }
  });

  it('gives every property a description, for editor help', () => {
    const missing: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (Array.isArray(node)) node.forEach((n, i) => visit(n, `${where}/${i}`));
      if (node === null || typeof node !== 'object') return;
      const props = (node as SchemaNode).properties;
      if (props && typeof props === 'object') {
        for (const [key, prop] of Object.entries(props as Record<string, SchemaNode>)) {
          const ref =
            typeof prop.$ref === 'string' ? definitions[prop.$ref.replace('#/definitions/', '')] : undefined;
          if (typeof prop.description !== 'string' && typeof ref?.description !== 'string')
            missing.push(`${where}/${key}`);
        }
      }
      for (const [key, value] of Object.entries(node)) visit(value, `${where}/${key}`);
    };
    visit(schema, '#');
    expect(missing).toEqual([]);
  });
});

describe('rule.schema.json, v2 keys', () => {
  it.each([
    ['debounce and throttle', 'rule: r\non: e\ndebounce: 30s\nthrottle: { runs: 10, per: 1m }\ndo: []\n'],
    [
      'a long debounce, a batch and a limit',
      'rule: r\non: e\ndebounce: { quiet: 30s, max: 5m }\nlimit: { runs: 1, per: 1d }\ndo: []\n',
    ],
    [
      'batches',
      'rule: r\non: e\nbatch: 50\ndo: []\n---\nrule: s\non: e\nbatch: { size: 50, within: 10m }\ndo: []\n',
    ],
    [
      'cancel_on',
      'rule: r\non: e\ncancel_on: { event: o.p, as: o, where: "o.a == event.a" }\ndo: []\n---\nrule: s\non: e\ncancel_on: o.p\ndo: []\n',
    ],
    [
      'wait_first',
      'rule: r\non: e\ndo:\n  - wait_first:\n      - { event: a.b, as: p, where: "p.x == 1", do: [stop] }\n      - event: c.d\n    within: 1h\n    on_timeout:\n      - log: none\n',
    ],
    ['a window in an expression', 'rule: r\non: e\nwhen: count(e as x within 10m) >= 3\ndo: []\n'],
  ])('accepts %s', (_what, source) => {
    expect(schemaErrors(source)).toEqual([]);
  });

  it.each([
    ['flow control without on', 'rule: r\nevery: 1h\ndebounce: 30s\ndo: []\n'],
    ['debounce with batch', 'rule: r\non: e\ndebounce: 30s\nbatch: 5\ndo: []\n'],
    [
      'throttle with limit',
      'rule: r\non: e\nthrottle: { runs: 1, per: 1m }\nlimit: { runs: 1, per: 1m }\ndo: []\n',
    ],
    ['a zero batch', 'rule: r\non: e\nbatch: 0\ndo: []\n'],
    ['a throttle without per', 'rule: r\non: e\nthrottle: { runs: 10 }\ndo: []\n'],
    ['an unknown debounce key', 'rule: r\non: e\ndebounce: { quiet: 1m, mux: 2m }\ndo: []\n'],
    ['a zero quiet time', 'rule: r\non: e\ndebounce: 0s\ndo: []\n'],
    ['a cancel_on without event', 'rule: r\non: e\ncancel_on: { as: o }\ndo: []\n'],
    ['an empty wait_first', 'rule: r\non: e\ndo:\n  - wait_first: []\n'],
    [
      'on_timeout without within',
      'rule: r\non: e\ndo:\n  - wait_first: [{ event: a.b }]\n    on_timeout: []\n',
    ],
    ['an unknown case key', 'rule: r\non: e\ndo:\n  - wait_first: [{ event: a.b, dp: [] }]\n'],
  ])('rejects %s', (_what, source) => {
    expect(schemaErrors(source).length).toBeGreaterThan(0);
  });

  it('accepts the printed YAML of every v2 example', () => {
    const dsl = parseDsl('v2.rule', V2_EXAMPLES);
    expect(schemaErrors(printYaml(dsl.file))).toEqual([]);
  });
});
