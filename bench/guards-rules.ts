/**
 * The rules and events of the guards benchmark, each guard written three ways: as rule-language
 * text (compiled by the real compiler), as a json-rules-engine 7 condition, and as a JavaScript
 * expression (the hand-written closure). The three mean the same thing on these events; the
 * benchmark checks that they agree before timing them.
 */

/** Event types; rule `i` is on type `i % TYPES`, as the router's trigger index spreads rules. */
export const TYPES = 100;

/** A shared schema for every type: numbers, strings, a bool, an optional string, a list, an object. */
export function catalog(): string {
  const fields = `{
  qty: int
  total: number
  sku: string
  country: string
  vip: bool
  coupon: string?
  tags: list<string>
  customer: { tier: string, orders: int }
}`;
  return Array.from({ length: TYPES }, (_, t) => `event shop.e${t} ${fields}`).join('\n\n') + '\n';
}

/** A json-rules-engine condition (its `all`/`any`/`not` with fact paths and operators). */
export type JreCondition =
  | { all: JreCondition[] }
  | { any: JreCondition[] }
  | { not: JreCondition }
  | { fact: string; path?: string; operator: string; value: unknown };

/** One guard, three ways. */
export interface GuardForms {
  readonly dsl: string;
  readonly jre: JreCondition;
  /** A JavaScript expression over `e` (the event data). */
  readonly js: string;
}

const SKU_PREFIX = ['A', 'B', 'C', 'K'];
const COUNTRIES = ['DE', 'FR', 'US', 'IT', 'ES', 'PL'];
const fact = (name: string, operator: string, value: unknown): JreCondition => ({
  fact: name,
  operator,
  value,
});

/** The guard of rule `i`: one of eight realistic shapes, with constants that vary by rule. */
export function guard(i: number): GuardForms {
  const n = 5 + (i % 17);
  const total = 50 + ((i * 37) % 400);
  const prefix = SKU_PREFIX[i % SKU_PREFIX.length];
  const [c1, c2] = [COUNTRIES[i % 6], COUNTRIES[(i + 2) % 6]];
  switch (i % 8) {
    case 0:
      return {
        dsl: `event.qty < ${n} and starts_with(event.sku, "${prefix}")`,
        jre: { all: [fact('qty', 'lessThan', n), fact('sku', 'startsWith', prefix)] },
        js: `e.qty < ${n} && e.sku.startsWith(${JSON.stringify(prefix)})`,
      };
    case 1:
      return {
        dsl: `event.total > ${total} or event.country in ["${c1}", "${c2}"]`,
        jre: { any: [fact('total', 'greaterThan', total), fact('country', 'in', [c1, c2])] },
        js: `e.total > ${total} || e.country === ${JSON.stringify(c1)} || e.country === ${JSON.stringify(c2)}`,
      };
    case 2:
      return {
        dsl: `not event.vip and event.total >= ${total}`,
        jre: { all: [{ not: fact('vip', 'equal', true) }, fact('total', 'greaterThanInclusive', total)] },
        js: `!e.vip && e.total >= ${total}`,
      };
    case 3:
      return {
        dsl: `event.coupon != null and event.qty > ${n}`,
        jre: { all: [fact('coupon', 'notEqual', null), fact('qty', 'greaterThan', n)] },
        js: `e.coupon !== null && e.qty > ${n}`,
      };
    case 4:
      return {
        dsl: `(event.country == "${c1}" and event.total > ${total}) or (event.vip and event.qty >= ${n})`,
        jre: {
          any: [
            { all: [fact('country', 'equal', c1), fact('total', 'greaterThan', total)] },
            { all: [fact('vip', 'equal', true), fact('qty', 'greaterThanInclusive', n)] },
          ],
        },
        js: `(e.country === ${JSON.stringify(c1)} && e.total > ${total}) || (e.vip && e.qty >= ${n})`,
      };
    case 5:
      return {
        dsl: `"urgent" in event.tags or event.sku == "${prefix}-${i % 50}"`,
        jre: { any: [fact('tags', 'contains', 'urgent'), fact('sku', 'equal', `${prefix}-${i % 50}`)] },
        js: `e.tags.includes("urgent") || e.sku === ${JSON.stringify(`${prefix}-${i % 50}`)}`,
      };
    case 6:
      return {
        dsl: `event.customer.tier == "gold" and event.customer.orders > ${n}`,
        jre: {
          all: [
            { fact: 'customer', path: '$.tier', operator: 'equal', value: 'gold' },
            { fact: 'customer', path: '$.orders', operator: 'greaterThan', value: n },
          ],
        },
        js: `e.customer.tier === "gold" && e.customer.orders > ${n}`,
      };
    default:
      return {
        dsl: `not (event.qty <= ${n} or event.country == "${c1}") and (event.coupon == null or event.total < ${total})`,
        jre: {
          all: [
            { not: { any: [fact('qty', 'lessThanInclusive', n), fact('country', 'equal', c1)] } },
            { any: [fact('coupon', 'equal', null), fact('total', 'lessThan', total)] },
          ],
        },
        js: `!(e.qty <= ${n} || e.country === ${JSON.stringify(c1)}) && (e.coupon === null || e.total < ${total})`,
      };
  }
}

/** Rule `i` in the rule language. */
export function ruleSource(i: number): string {
  return `rule guard_${i}\n  on shop.e${i % TYPES}\n  when ${guard(i).dsl}\ndo\n  log "matched"\nend\n`;
}

/** Event data as the router sees it (`event.data`). */
export interface BenchEvent {
  readonly type: string;
  readonly data: {
    qty: number;
    total: number;
    sku: string;
    country: string;
    vip: boolean;
    coupon: string | null;
    tags: string[];
    customer: { tier: string; orders: number };
  };
}

/** A small seeded generator, so every run sees the same events. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function events(count: number, seed = 7): BenchEvent[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const out: BenchEvent[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      type: `shop.e${Math.floor(next() * TYPES)}`,
      data: {
        qty: Math.floor(next() * 30),
        total: Math.round(next() * 50_000) / 100,
        sku: `${pick(SKU_PREFIX)}-${Math.floor(next() * 60)}`,
        country: pick(COUNTRIES),
        vip: next() < 0.2,
        coupon: next() < 0.3 ? `C${Math.floor(next() * 100)}` : null,
        tags: next() < 0.25 ? ['urgent', 'new'] : next() < 0.5 ? ['new'] : [],
        customer: { tier: pick(['gold', 'silver', 'bronze']), orders: Math.floor(next() * 40) },
      },
    });
  }
  return out;
}
