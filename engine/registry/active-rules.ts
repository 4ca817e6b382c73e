/**
 * The rules the router and ingest work with: the current version of every rule not removed.
 * Reading them for every event would cost a join per event, so `ActiveRuleCache` keeps them and
 * reloads only when a newer registry action (deploy, rollback, enable, disable) exists; any
 * process sees another process's deploy on its next lookup.
 */
import {
  type EventSchemaIR,
  fastCondition,
  type FastCondition,
  fastExpression,
  type FastExpression,
  type RuleIR,
} from '../../dsl';
import type { Sql } from '../db/sql';
import type { ActiveRule } from './records';

/** The current version of every rule that is not removed, by name. */
export async function activeRules(db: Sql): Promise<ActiveRule[]> {
  const { rows } = await db.query<{
    name: string;
    version: number;
    enabled: boolean;
    paused: boolean;
    ir: RuleIR;
  }>(
    `SELECT r.name, r.current_version AS version, r.enabled, r.paused_at IS NOT NULL AS paused, v.ir
       FROM rules r JOIN rule_versions v ON v.rule_name = r.name AND v.version = r.current_version
      WHERE r.removed_at IS NULL ORDER BY r.name`,
  );
  return rows.map((r) => ({
    name: r.name,
    version: r.version,
    enabled: r.enabled && !r.ir.disabled,
    paused: r.paused,
    ir: r.ir,
  }));
}

/**
 * A rule an event type triggers, with its guard and key in their fast form (`dsl/runtime/fast`),
 * built once per index.
 */
export interface RouteTarget {
  readonly rule: ActiveRule;
  readonly guard?: FastCondition;
  readonly key?: FastExpression;
}

/** The active rules indexed for routing and validation. */
export interface RuleIndex {
  readonly rules: readonly ActiveRule[];
  /** Enabled rules triggered by an event type (`on TYPE`). */
  byTrigger(type: string): readonly ActiveRule[];
  /** The same rules, ready for the router: guard and key in their fast form. */
  routesFor(type: string): readonly RouteTarget[];
  /**
   * Every distinct schema the active rules declare for an event type (usually one; two after a
   * rollback to a version that declared it differently). Empty for a type no rule declares.
   */
  schemas(type: string): readonly EventSchemaIR[];
  /** Every event type some active rule declares, sorted. */
  readonly eventTypes: readonly string[];
  find(name: string): ActiveRule | undefined;
}

/** True when the expression holds an aggregate over a window (v2). */
function readsWindows(expr: unknown): boolean {
  if (Array.isArray(expr)) return expr.some(readsWindows);
  if (expr === null || typeof expr !== 'object') return false;
  if ((expr as { kind?: unknown }).kind === 'aggregate') return true;
  return Object.entries(expr).some(([k, v]) => k !== 'span' && typeof v === 'object' && readsWindows(v));
}

/** Builds the index of a list of active rules. */
export function indexRules(rules: readonly ActiveRule[]): RuleIndex {
  const triggers = new Map<string, ActiveRule[]>();
  const schemas = new Map<string, Map<string, EventSchemaIR>>();
  for (const rule of rules) {
    if (rule.enabled && rule.ir.trigger.kind === 'event') {
      const list = triggers.get(rule.ir.trigger.event) ?? [];
      list.push(rule);
      triggers.set(rule.ir.trigger.event, list);
    }
    for (const schema of rule.ir.events) {
      const byShape = schemas.get(schema.name) ?? new Map<string, EventSchemaIR>();
      byShape.set(JSON.stringify(schema.fields), schema);
      schemas.set(schema.name, byShape);
    }
  }
  const byName = new Map(rules.map((r) => [r.name, r]));
  const routes = new Map<string, RouteTarget[]>();
  for (const [type, list] of triggers) {
    routes.set(
      type,
      list.map((rule) => ({
        rule,
        // A guard reading windows runs on the evaluator, which reads them through a WindowSource.
        ...(rule.ir.guard && !readsWindows(rule.ir.guard) ? { guard: fastCondition(rule.ir.guard) } : {}),
        ...(rule.ir.key ? { key: fastExpression(rule.ir.key) } : {}),
      })),
    );
  }
  return {
    rules,
    byTrigger: (type) => triggers.get(type) ?? [],
    routesFor: (type) => routes.get(type) ?? [],
    schemas: (type) => [...(schemas.get(type)?.values() ?? [])],
    eventTypes: [...schemas.keys()].sort(),
    find: (name) => byName.get(name),
  };
}

/** Keeps the rule index, reloading it when the registry changed (checked at most every `checkMs`). */
export class ActiveRuleCache {
  private index: RuleIndex | undefined;
  private generation: string | undefined;
  private checkedAt = 0;

  /** `checkMs` bounds how stale the index may be; 0 checks on every call (one indexed query). */
  constructor(
    private readonly db: Sql,
    private readonly checkMs = 0,
  ) {}

  /** The current index. */
  async get(): Promise<RuleIndex> {
    const now = Date.now();
    if (this.index && now - this.checkedAt < this.checkMs) return this.index;
    const { rows } = await this.db.query<{ generation: string | null }>(
      'SELECT max(id)::text AS generation FROM deployments',
    );
    const generation = rows[0]?.generation ?? '';
    this.checkedAt = now;
    if (!this.index || generation !== this.generation) {
      this.index = indexRules(await activeRules(this.db));
      this.generation = generation;
    }
    return this.index;
  }

  /** Forgets the index: the next `get` reloads it (after a deploy in this process). */
  invalidate(): void {
    this.index = undefined;
  }
}
