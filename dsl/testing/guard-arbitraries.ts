/**
 * Random well-typed guards as rule-language text, and events that fit their schema, for tests that
 * compile the text with the real compiler and compare evaluators on the IR it produces.
 */
import fc from 'fast-check';
import type { Value } from '../runtime/value';
import { value as anyValue } from './ir-arbitraries';

/** The event type the guards read. */
export const GUARD_EVENT = `event order.placed {
  qty: int
  price: number
  sku: string
  country: string
  vip: bool
  coupon: string?
  tags: list<string>
  placed_at: time
  wait: duration
  extra: any
}`;

const paren = (...parts: string[]): string => `(${parts.join(' ')})`;

type Texts = { num: string; str: string; bool: string };

/** A guard: a bool expression over `event`, a few levels deep. */
export const guardText: fc.Arbitrary<string> = fc.letrec<Texts>((tie) => {
  const num = tie('num');
  const str = tie('str');
  const bool = tie('bool');
  const cmp = fc.constantFrom('==', '!=', '<', '<=', '>', '>=');
  return {
    num: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('event.qty', 'event.price', 'len(event.sku)', 'len(event.tags)'),
      fc.integer({ min: -3, max: 15 }).map(String),
      fc.constantFrom('0.5', '2.25', '(event.extra.n ?? 1)'),
      fc.tuple(num, fc.constantFrom('+', '-', '*', '/', '%'), num).map(([a, op, b]) => paren(a, op, b)),
      num.map((a) => `-${a}`),
      num.map((a) => `abs(${a})`),
    ),
    str: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('event.sku', 'event.country', '"A"', '"DE"', '""', '"A-1"'),
      fc.constantFrom(
        'lower(event.sku)',
        '(event.coupon ?? "none")',
        '"${event.qty}-x"',
        'upper(event.country)',
      ),
      fc.tuple(str, str).map(([a, b]) => paren(a, '+', b)),
    ),
    bool: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(num, cmp, num).map(([a, op, b]) => `${a} ${op} ${b}`),
      fc.tuple(str, cmp, str).map(([a, op, b]) => `${a} ${op} ${b}`),
      fc.constantFrom(
        'event.vip',
        'true',
        'event.coupon == null',
        'event.coupon != null',
        'event.country in ["DE", "FR"]',
        'event.country not in ["DE", "FR", "IT"]',
        '"A" in event.sku',
        'event.placed_at < now()',
        'event.placed_at >= "2024-05-01T00:00:00Z"',
        'event.wait > 1h',
        'event.extra.flag == true',
        'event.extra.n > 3',
        'event.extra?.deep?.x == null',
        'event.qty in [1, 2, 3]',
        'event.tags[0] == "vip"',
      ),
      fc
        .tuple(fc.constantFrom('starts_with', 'ends_with', 'contains'), str, str)
        .map(([f, a, b]) => `${f}(${a}, ${b})`),
      str.map((a) => `${a} in event.tags`),
      str.map((a) => `contains(event.tags, ${a})`),
      bool.map((a) => `not ${paren(a)}`),
      fc.tuple(bool, fc.constantFrom('and', 'or'), bool).map(([a, op, b]) => paren(a, op, b)),
    ),
  };
}).bool;

/** An event of `GUARD_EVENT`'s type, with nulls, empty lists and odd `extra` data now and then. */
export const guardEvent: fc.Arbitrary<Value> = fc.record({
  qty: fc.integer({ min: -5, max: 20 }),
  price: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.double({ min: -100, max: 100, noNaN: true })),
  sku: fc.constantFrom('A-1', 'A-22', 'B-7', 'a-1', '', 'ZZZ'),
  country: fc.constantFrom('DE', 'FR', 'US', 'de', ''),
  vip: fc.boolean(),
  coupon: fc.constantFrom(null, 'SPRING', '', 'none'),
  tags: fc.array(fc.constantFrom('vip', 'new', 'A', 'DE'), { maxLength: 3 }),
  placed_at: fc.constantFrom('2024-05-01T10:00:00Z', '2024-05-03T10:00:00+02:00', '2023-12-31T23:59:59.999Z'),
  wait: fc.integer({ min: 0, max: 10_000_000 }),
  extra: fc.oneof(
    fc.record({ n: fc.oneof(fc.integer({ min: -2, max: 9 }), fc.constant(null)), flag: fc.boolean() }),
    anyValue,
  ),
});
