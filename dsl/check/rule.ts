/**
 * Checking one rule: its clauses (exactly one trigger, each other clause at most once), its guard
 * and key, its body and compensation; the result is the rule's IR without its hash.
 */
import { CronExpressionParser } from 'cron-parser';
import type { Clause, RuleDecl } from '../ast/ast';
import { checkBlock, checkCondition } from './stmt';
import { positiveMs } from './bind';
import { checkExpr } from './expr';
import type { CheckEnv } from './env';
import { fieldsFromAst, where } from './env';
import { RuleContext, Scope } from './scope';
import { Codes } from '../core/diagnostics';
import type { ExprIR, RuleIR, TriggerIR } from '../runtime/ir';
import { IR_VERSION, IR_VERSION_V2 } from '../runtime/ir';
import { checkCancelOn, checkFlow, clauseWord, isV2Clause } from './flow';
import { didYouMean } from '../core/suggest';
import { T, nonNull, objectOf, optional, typeToString } from './semantic-types';

type TriggerClause = Extract<Clause, { kind: 'on' | 'every_interval' | 'every_cron' | 'manual' }>;

const TRIGGER_KINDS: ReadonlySet<Clause['kind']> = new Set(['on', 'every_interval', 'every_cron', 'manual']);

/** Shortest interval a schedule may have: anything faster is a loop, not a schedule. */
const MIN_SCHEDULE_INTERVAL_MS = 1000;

/** The canonical name of an IANA time zone (`utc` → `UTC`), or undefined when unknown. */
function canonicalTimeZone(tz: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Why a cron expression is not a valid 5-field cron, or undefined when it is. */
function cronProblem(cron: string, tz: string): string | undefined {
  const fields = cron
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '');
  if (fields.length !== 5) {
    return `a cron schedule has 5 fields (minute hour day-of-month month day-of-week), this one has ${fields.length}`;
  }
  try {
    CronExpressionParser.parse(fields.join(' '), { tz });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function checkTrigger(
  clause: TriggerClause | undefined,
  decl: RuleDecl,
  env: CheckEnv,
  rc: RuleContext,
  root: Scope,
): TriggerIR {
  if (!clause) {
    env.error(
      Codes.noTrigger,
      `rule '${decl.name}' has no trigger: add 'on EVENT_TYPE', 'every ...' or 'manual(...)'`,
      decl.nameSpan,
    );
    return { kind: 'manual', input: objectOf([]) };
  }
  switch (clause.kind) {
    case 'on': {
      const info = env.events.get(clause.event.name);
      if (info) rc.events.add(clause.event.name);
      else {
        const message = `unknown event type '${clause.event.name}'${didYouMean(clause.event.name, env.events.keys())}`;
        env.error(Codes.unknownEvent, message, clause.event.span);
      }
      root.declare({ name: 'event', type: info?.type ?? T.any, kind: 'event', used: false });
      return { kind: 'event', event: clause.event.name };
    }
    case 'every_interval':
      if (!(clause.interval.ms >= MIN_SCHEDULE_INTERVAL_MS)) {
        env.error(Codes.invalidDuration, 'a schedule interval must be at least 1s', clause.interval.span);
      }
      return { kind: 'schedule', intervalMs: clause.interval.ms };
    case 'every_cron': {
      const tz = clause.timezone ?? 'UTC';
      const canonical = canonicalTimeZone(tz);
      if (!canonical) {
        const zones = [...Intl.supportedValuesOf('timeZone'), 'UTC'];
        env.error(
          Codes.invalidTimezone,
          `unknown time zone '${tz}'${didYouMean(tz, zones)}`,
          clause.timezoneSpan ?? clause.span,
        );
      }
      const problem = cronProblem(clause.cron, canonical ?? 'UTC');
      if (problem)
        env.error(Codes.invalidCron, `invalid cron schedule '${clause.cron}': ${problem}`, clause.cronSpan);
      const cron = clause.cron.trim().split(/\s+/).join(' ');
      return { kind: 'schedule', cron, timezone: canonical ?? tz };
    }
    case 'manual': {
      const input = objectOf(fieldsFromAst(clause.params, env, 'manual(...)'));
      env.labels.set(input, 'input');
      root.declare({ name: 'input', type: input, kind: 'input', used: false });
      return { kind: 'manual', input };
    }
  }
}

/** Checks a rule and builds its IR (without `hash`). */
export function checkRule(decl: RuleDecl, env: CheckEnv): Omit<RuleIR, 'hash'> {
  let trigger: TriggerClause | undefined;
  const seen = new Map<Clause['kind'], Clause>();
  for (const clause of decl.clauses) {
    if (TRIGGER_KINDS.has(clause.kind)) {
      if (trigger) {
        env.error(
          Codes.multipleTriggers,
          `rule '${decl.name}' already has a trigger (at ${where(trigger.span)}); a rule has exactly one`,
          clause.span,
        );
      } else trigger = clause as TriggerClause;
      continue;
    }
    const first = seen.get(clause.kind);
    if (first)
      env.error(
        Codes.duplicateClause,
        `'${clauseWord(clause.kind)}' is already given at ${where(first.span)}`,
        clause.span,
      );
    else seen.set(clause.kind, clause);
  }
  const triggerKind = !trigger
    ? 'none'
    : trigger.kind === 'on'
      ? 'on'
      : trigger.kind === 'manual'
        ? 'manual'
        : 'every';
  const rc = new RuleContext(env, triggerKind);
  const root = new Scope();
  const triggerIr = checkTrigger(trigger, decl, env, rc, root);
  rc.eventType = triggerIr.kind === 'event' ? env.events.get(triggerIr.event)?.type : undefined;
  if (triggerKind === 'every' || triggerKind === 'manual') {
    for (const c of decl.clauses.filter(isV2Clause)) {
      env.error(
        Codes.flowControlNeedsEvent,
        `'${clauseWord(c.kind)}' acts on the triggers of a key, so it needs a rule triggered by 'on EVENT_TYPE'`,
        c.span,
      );
    }
  }
  const flow = checkFlow(seen, rc);

  const clause = <K extends Clause['kind']>(kind: K): Extract<Clause, { kind: K }> | undefined =>
    seen.get(kind) as Extract<Clause, { kind: K }> | undefined;
  const when = clause('when');
  rc.place = 'when';
  const guard = when ? rc.allowingWindows(true, () => checkCondition(when.expr, "'when'", root, rc)) : null;
  rc.place = 'key';
  const keyClause = clause('key');
  let key: ExprIR | null = null;
  if (keyClause) {
    const typed = checkExpr(keyClause.expr, root, rc);
    const k = nonNull(typed.type).kind;
    if (k === 'list' || k === 'object') {
      rc.env.error(
        Codes.typeMismatch,
        `a key must be a single value (string, number...), not ${typeToString(typed.type)}`,
        typed.ir.span,
      );
    }
    key = typed.ir;
  }
  const cancelClause = clause('cancel_on');
  const cancelOn = cancelClause ? checkCancelOn(cancelClause, root.lookup('event'), rc) : undefined;
  rc.place = 'do';
  const timeout = clause('timeout');
  const timeoutMs = timeout ? positiveMs(timeout.duration, 'the rule timeout', rc) : null;

  const bodyScope = root.child();
  const body = checkBlock(decl.body, bodyScope, rc);
  // `compensate` sees the body's top-level names; those not reached before the failure are null.
  const compensateScope = root.child();
  for (const b of bodyScope.own())
    compensateScope.declare({ ...b, type: optional(b.type), used: false, origin: b });
  const compensate = decl.compensate ? checkBlock(decl.compensate, compensateScope, rc) : [];

  for (const b of rc.lets) {
    if (!b.used && !b.name.startsWith('_') && b.span) {
      env.warn(Codes.unusedBinding, `'${b.name}' is never used (prefix it with _ to keep it anyway)`, b.span);
    }
  }
  const byName = (a: { name: string }, b: { name: string }): number =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  const v2 = rc.v2 || flow !== undefined || cancelOn !== undefined;
  return {
    irVersion: v2 ? IR_VERSION_V2 : IR_VERSION,
    name: decl.name,
    description: decl.description ?? null,
    span: decl.nameSpan,
    trigger: triggerIr,
    guard,
    key,
    concurrency: clause('concurrency')?.mode ?? 'single',
    timeoutMs,
    disabled: seen.has('disabled'),
    body,
    compensate,
    events: [...rc.events].flatMap((n) => env.events.get(n)?.schema ?? []).sort(byName),
    actions: [...rc.actions].flatMap((n) => env.actions.get(n) ?? []).sort(byName),
    secrets: [...rc.secrets].sort(),
    ...(flow && { flow }),
    ...(cancelOn && { cancelOn }),
    ...(rc.usesPrevious && { usesPrevious: true as const }),
    ...(rc.usesEvents && { usesEvents: true as const }),
  };
}
