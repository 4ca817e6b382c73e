import Ajv from 'ajv';
import { parse } from 'yaml';
import schema from './rule.schema.json';
import { compileRuleSet } from '../rule-set';
import { schemaErrorObjects } from '../testing/yaml-schema';

/** The errors Ajv reports for one YAML document, wrappers of `if`/`then`/`else` left out. */
function pointedErrors(source: string): string[] {
  return schemaErrorObjects(parse(source))
    .filter((e) => e.keyword !== 'if')
    .map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

/** The error codes the checker reports for a YAML rule file. */
function checkerCodes(source: string): string[] {
  const compiled = compileRuleSet([{ path: 'r.rule.yaml', content: source }]);
  return compiled.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
}

/** What the rules below use, so the checker reports only the problem under test. */
const DECLARATIONS = 'event: e\nfields: { a: int }\n---\naction: a.b\n---\n';

const everyRule = (cron: string): string => `rule: r\nevery: ${JSON.stringify(cron)}\ndo:\n  - stop\n`;

describe('rule.schema.json in strict mode', () => {
  it('compiles under Ajv strict: true with no other option', () => {
    expect(() => new Ajv({ strict: true }).compile(schema)).not.toThrow();
    expect(() => new Ajv({ strict: true, allErrors: true }).compile(schema)).not.toThrow();
  });

  it.each([
    ['a fractional retry', 'rule: r\non: e\ndo:\n  - call: a.b\n    retry: 2.5\n', 'invalid-retry'],
    ['a negative retry', 'rule: r\non: e\ndo:\n  - call: a.b\n    retry: -3\n', 'invalid-retry'],
    [
      'a duration not largest unit first',
      'rule: r\non: e\ndo:\n  - wait: e\n    within: 1m4h\n',
      'invalid-duration',
    ],
    ['an interval with a timezone', 'rule: r\nevery: 15m\ntimezone: Europe/Berlin\ndo: []\n', 'yaml-shape'],
    ['a cron expression out of range', 'rule: r\nevery: "99 99 * * *"\ndo: []\n', 'invalid-cron'],
    [
      'retry attempts of 0',
      'rule: r\non: e\ndo:\n  - call: a.b\n    retry: { attempts: 0 }\n',
      'invalid-retry',
    ],
    [
      'a backoff below 1',
      'rule: r\non: e\ndo:\n  - call: a.b\n    retry: { attempts: 2, backoff: 0.5 }\n',
      'invalid-retry',
    ],
    [
      'a retry interval of 0',
      'rule: r\non: e\ndo:\n  - call: a.b\n    retry: { attempts: 2, every: 0s }\n',
      'invalid-retry',
    ],
    ['a schedule interval under 1s', 'rule: r\nevery: 500ms\ndo: []\n', 'invalid-duration'],
    ['a unit given twice', 'rule: r\non: e\ntimeout: 1h2h\ndo: []\n', 'invalid-duration'],
    ['a cron with 6 fields', 'rule: r\nevery: "0 0 9 * * *"\ndo: []\n', 'invalid-cron'],
  ])('rejects %s, as the checker does', (_what, source, code) => {
    expect(pointedErrors(source).length).toBeGreaterThan(0);
    expect(checkerCodes(DECLARATIONS + source)).toEqual([code]);
  });

  it.each([
    ['a rule', 'rule: r\non: e\nwhn: x\ndo: []\n', ' must NOT have additional properties'],
    ['an event', 'event: e\nfeilds: {}\n', ' must NOT have additional properties'],
    ['an action', 'action: a\nparms: {}\n', ' must NOT have additional properties'],
    [
      'a step',
      'rule: r\non: e\ndo:\n  - call: a.b\n    wiht: {}\n',
      '/do/0 must NOT have additional properties',
    ],
    [
      'a nested step',
      'rule: r\non: e\ndo:\n  - if: x\n    then:\n      - log: hi\n        lvl: 1\n',
      '/do/0/then/0 must NOT have additional properties',
    ],
    ['the kind of a step', 'rule: r\non: e\ndo:\n  - sleeep: 1h\n', '/do/0 must NOT be valid'],
  ])('points at a misspelt key of %s with one error', (_what, source, error) => {
    expect(pointedErrors(source)).toEqual([error]);
  });

  it('accepts the step forms, both trigger kinds of every, and the retry forms', () => {
    const source = [
      'rule: r',
      'every: "*/15 8-18 * JAN-MAR,dec MON-FRI"',
      'timezone: America/Argentina/Buenos_Aires',
      'do:',
      '  - stop',
      '  - stop: done',
      '  - call: a.b',
      '    retry: 3',
      '  - call: a.b',
      '    retry: { attempts: 5, every: 1m30s, backoff: 1.5 }',
      '  - sleep: 1w2d3h4m5s6ms',
      '',
    ].join('\n');
    expect(pointedErrors(source)).toEqual([]);
    expect(pointedErrors('rule: r\nevery: 15m\ndo: []\n')).toEqual([]);
  });

  // The cron pattern can say what is out of range, not everything the parser knows (a range that
  // runs backwards, 31 February): what it accepts is a superset of what the checker accepts.
  const validCrons = [
    '0 9 * * 1',
    '*/30 8-22 * * *',
    '0 18 * * 5',
    '0 9 * * mon-fri',
    '0 9 * jan,Feb *',
    '0 9 L * *',
    '0 9 * * 5L',
    '0 9 * * 5#3',
    '0 9 ? * *',
    '1,2,3-5/2 * * * *',
    '0 9 * * 0-7',
    '00 09 01 01 0',
    '  0 9 * * *  ',
    'H * * * *',
  ];
  it.each(validCrons)('accepts the cron %j that the checker accepts', (cron) => {
    expect(checkerCodes(everyRule(cron))).toEqual([]);
    expect(pointedErrors(everyRule(cron))).toEqual([]);
  });

  const invalidCrons = [
    '60 * * * *',
    '0 24 * * *',
    '0 9 0 * *',
    '0 9 32 * *',
    '0 9 * 0 *',
    '0 9 * 13 *',
    '0 9 * * 8',
    '*/0 * * * *',
    '0 9 15W * *',
    '0 9 * * L',
    '@daily',
    '0 9 * *',
    'every day',
  ];
  it.each(invalidCrons)('rejects the cron %j as the checker does', (cron) => {
    expect(checkerCodes(everyRule(cron)).length).toBeGreaterThan(0);
    expect(pointedErrors(everyRule(cron)).length).toBeGreaterThan(0);
  });
});
