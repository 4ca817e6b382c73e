import { createHash } from 'node:crypto';
import type { Value } from '../../dsl/runtime';
import { legacyWorkflowId, ruleWorkflowId } from './workflow-ids';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('ruleWorkflowId', () => {
  it('tells apart the triggers that shared an id before (issue 12)', () => {
    const long = 'k'.repeat(201);
    const pairs: [Value | undefined, string | undefined, Value | undefined, string | undefined][] = [
      // A long key and the attacker-chosen key spelling its hash.
      [long, undefined, `sha256:${sha(long)}`, undefined],
      // The event separator inside a key or an event id.
      ['x/event/1', '2', 'x', '1/event/2'],
      // A number and the string of its digits; and other JSON look-alikes.
      [1, undefined, '1', undefined],
      [true, undefined, 'true', undefined],
      [null, undefined, 'null', undefined],
      [{ a: 1 }, undefined, '{"a":1}', undefined],
      // Escapes themselves.
      ['a%2Fb', undefined, 'a/b', undefined],
      ['%s1', undefined, '1', undefined],
      // Long keys of different types with the same text.
      [Number('1'.repeat(250)), undefined, String(Number('1'.repeat(250))), undefined],
    ];
    for (const [k1, e1, k2, e2] of pairs) {
      expect(ruleWorkflowId('r', k1, e1)).not.toBe(ruleWorkflowId('r', k2, e2));
    }
    // The collisions were real.
    expect(legacyWorkflowId('r', long)).toBe(legacyWorkflowId('r', `sha256:${sha(long)}`));
    expect(legacyWorkflowId('r', 'x/event/1', '2')).toBe(legacyWorkflowId('r', 'x', '1/event/2'));
    expect(legacyWorkflowId('r', 1)).toBe(legacyWorkflowId('r', '1'));
  });

  it('is injective over a mixed population of keys and event ids', () => {
    const keys: Value[] = ['', '1', 1, '1.0', 1.5, 'true', true, 'null', null, '"1"', '[1]', [1], { a: '/' }];
    for (const base of [
      'a',
      'a/b',
      'a%b',
      '%',
      '/',
      'sha256:',
      '%h',
      '%s',
      'x'.repeat(199),
      'x'.repeat(300),
    ]) {
      keys.push(base, `${base}/event/e`, `sha256:${base}`, `%s${base}`);
    }
    const events = [undefined, 'e', 'e/event/f', 'x'.repeat(300), '%2F', '/'];
    const seen = new Map<string, string>();
    for (const key of [undefined, ...keys]) {
      for (const event of events) {
        const id = ruleWorkflowId('rule', key, event);
        const what = JSON.stringify([key, event]);
        expect(seen.get(id) ?? what).toBe(what);
        seen.set(id, what);
        expect(id.length).toBeLessThan(300);
      }
    }
  });

  it('keeps the ids of ordinary keys, so runs in flight keep their key', () => {
    for (const [key, event] of [
      ['T-1', undefined],
      [42, undefined],
      ['order-7', 'evt-1'],
      [undefined, undefined],
      [undefined, 'evt-2'],
    ] as const) {
      expect(ruleWorkflowId('r', key, event)).toBe(legacyWorkflowId('r', key, event));
    }
    expect(ruleWorkflowId('r', 'T-1')).toBe('opsflow/r/key/T-1');
    expect(ruleWorkflowId('r', '1')).toBe('opsflow/r/key/%s1');
    expect(ruleWorkflowId('r', 'a/b', 'e/1')).toBe('opsflow/r/key/a%2Fb/event/e%2F1');
    expect(ruleWorkflowId('r', 'k'.repeat(201))).toMatch(/^opsflow\/r\/key\/%h[0-9a-f]{64}$/);
  });
});
