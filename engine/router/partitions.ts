/**
 * Routing partitions: per-key order across router processes. Every stored event gets a partition
 * (`events.route_partition`, 0..ROUTE_PARTITIONS-1) such that all events whose routing must stay
 * in stored order share one: a rule's events with one key, and the events one waiting run is
 * signalled with. A router claims a partition's events only while it holds the partition's
 * transaction-scoped advisory lock, taken in the claim's transaction and released at its commit
 * (or when the session dies with its process), so no two processes ever route events of one key
 * at the same time, and the next claim of a partition sees the previous one's events routed.
 *
 * A rule has one trigger type, so the lanes of one type never mix with another's. Per type:
 * - every ordered rule (`single`, `queue`, `replace`, `drop`) keyed by the same top-level field,
 *   and every `wait for` the type correlated on that field: partitioned by the field's value;
 * - one ordered rule's (or several identical) key expression: partitioned by the key's value;
 * - anything else (an unkeyed ordered rule, keys that differ, an uncorrelated wait): the whole
 *   type is one partition (its events route one batch at a time across processes);
 * - only `parallel` rules and no waits: no partition (NULL), any router takes them at once.
 */
import { withoutSpans, type ExprIR, type RuleIR, type StepIR, type Value } from '../../dsl';
import type { Sql } from '../db/sql';
import type { RuleIndex } from '../registry/active-rules';
import { keyText } from './workflow-ids';

/** How many partitions events hash into. Fixed: every process must agree on it. */
export const ROUTE_PARTITIONS = 512;

/**
 * First key of the two-key advisory locks of partitions (`pg_try_advisory_xact_lock(ns, p)`):
 * derived from the schema, since advisory locks are per database and two deployments (or test
 * suites) may share one database in different schemas.
 */
const PARTITION_LOCK_NAMESPACE = `hashtext('opsflow.route-partition:' || current_schema())`;

/** Which value of an event decides its partition, for one event type. */
type TypeLane =
  | { readonly kind: 'none' }
  | { readonly kind: 'type' }
  | { readonly kind: 'field'; readonly field: string }
  | { readonly kind: 'key'; readonly key: (data: Readonly<Record<string, unknown>>) => string };

/** FNV-1a over the UTF-16 code units: the same in every process, cheap, well spread. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The partition of an event of `type` whose lane value is `value` (or of the whole type). */
function partitionOf(type: string, value?: string): number {
  return hash(value === undefined ? type : `${type}\u0000${value}`) % ROUTE_PARTITIONS;
}

/** `event.FIELD`: the top-level field a key reads, when that is all it does. */
function keyField(key: ExprIR): string | undefined {
  return key.kind === 'member' && key.object.kind === 'name' && key.object.name === 'event'
    ? key.name
    : undefined;
}

/** Every `wait` step of a rule (body, nested blocks, timeouts, compensation). */
function waits(rule: RuleIR): Extract<StepIR, { kind: 'wait' }>[] {
  const found: Extract<StepIR, { kind: 'wait' }>[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) visit(item);
    else if (value !== null && typeof value === 'object') {
      const step = value as { kind?: unknown };
      if (step.kind === 'wait') found.push(value as Extract<StepIR, { kind: 'wait' }>);
      for (const [k, v] of Object.entries(value)) if (k !== 'span' && typeof v === 'object') visit(v);
    }
  };
  visit([rule.body, rule.compensate]);
  return found;
}

/** The lane of every event type of an index. */
function typeLanes(index: RuleIndex): Map<string, TypeLane> {
  // Per type: the distinct descriptions of what orders its events (a field, a key expression, all).
  const needs = new Map<string, Map<string, TypeLane>>();
  const need = (type: string, id: string, lane: TypeLane): void => {
    const map = needs.get(type) ?? new Map<string, TypeLane>();
    map.set(id, lane);
    needs.set(type, map);
  };
  for (const rule of index.rules) {
    // Runs of a disabled rule may still wait: their signals keep their order too.
    for (const wait of waits(rule.ir)) {
      if (wait.correlation)
        need(wait.event, `field:${wait.correlation.field}`, { kind: 'field', field: wait.correlation.field });
      else need(wait.event, 'type', { kind: 'type' });
    }
    const { trigger, concurrency, key } = rule.ir;
    const perKey = !!rule.ir.flow || !!rule.ir.usesPrevious;
    if (!rule.enabled || trigger.kind !== 'event' || (concurrency === 'parallel' && !perKey)) continue;
    if (!key) {
      need(trigger.event, 'type', { kind: 'type' });
      continue;
    }
    const field = keyField(key);
    if (field !== undefined) {
      need(trigger.event, `field:${field}`, { kind: 'field', field });
      continue;
    }
    const target = index.routesFor(trigger.event).find((t) => t.rule.name === rule.name);
    const compiled = target?.key;
    if (!compiled) {
      need(trigger.event, 'type', { kind: 'type' });
      continue;
    }
    need(trigger.event, `key:${JSON.stringify(withoutSpans(key as never))}`, {
      kind: 'key',
      key: (data) => keyText(compiled({ event: data as Value }, { now: () => Date.now() })),
    });
  }
  const lanes = new Map<string, TypeLane>();
  for (const [type, map] of needs) {
    const list = [...map.values()];
    lanes.set(type, list.length === 1 ? list[0] : { kind: 'type' });
  }
  return lanes;
}

const cached = new WeakMap<RuleIndex, Map<string, TypeLane>>();

/**
 * The routing partition of an event under the rules of `index`, or null when its routing needs
 * no order. A key that fails to evaluate puts the event in its type's partition: routing records
 * the error, in order with nothing else.
 */
export function routePartition(
  index: RuleIndex,
  event: { readonly type: string; readonly data: Readonly<Record<string, unknown>> },
): number | null {
  let lanes = cached.get(index);
  if (!lanes) {
    lanes = typeLanes(index);
    cached.set(index, lanes);
  }
  const lane = lanes.get(event.type) ?? { kind: 'none' };
  switch (lane.kind) {
    case 'none':
      return null;
    case 'type':
      return partitionOf(event.type);
    case 'field':
      // The value as the subscriptions compare it (JSON), so keys and correlations agree.
      return partitionOf(event.type, JSON.stringify(event.data[lane.field] ?? null));
    case 'key':
      try {
        return partitionOf(event.type, lane.key(event.data));
      } catch {
        return partitionOf(event.type);
      }
  }
}

/** A pending event as the claim first sees it. */
interface Candidate {
  readonly id: string;
  readonly route_partition: number | null;
}

/**
 * Picks the events of one claim, in stored order: the oldest due pending events whose partition
 * this transaction could lock (or that have none). Returns their ids; the caller locks the rows.
 * Must run inside the claim's transaction: the partition locks last until it commits.
 */
export async function claimablePartitioned(tx: Sql, batchSize: number): Promise<string[]> {
  // A window several batches deep, so partitions held by other batches (this process's other
  // batch in flight, other routers) do not starve this one.
  const { rows } = await tx.query<Candidate>(
    `SELECT id, route_partition FROM events
      WHERE route_status = 'pending' AND (route_after IS NULL OR route_after <= now())
      ORDER BY received_at, id LIMIT $1`,
    [batchSize * 8],
  );
  if (rows.length === 0) return [];
  const wanted: number[] = [];
  for (const row of rows) {
    if (row.route_partition !== null && !wanted.includes(row.route_partition))
      wanted.push(row.route_partition);
  }
  const locked = new Set<number>();
  if (wanted.length > 0) {
    const { rows: got } = await tx.query<{ p: number }>(
      `SELECT p FROM unnest($1::int[]) WITH ORDINALITY AS w(p, ord)
        WHERE pg_try_advisory_xact_lock(${PARTITION_LOCK_NAMESPACE}, p) ORDER BY ord`,
      [wanted.slice(0, batchSize)],
    );
    for (const { p } of got) locked.add(p);
  }
  const ids: string[] = [];
  for (const row of rows) {
    if (ids.length >= batchSize) break;
    if (row.route_partition === null || locked.has(row.route_partition)) ids.push(row.id);
  }
  return ids;
}
