import {
  Codes,
  conformFields,
  conformValue,
  type Diagnostic,
  didYouMean,
  error,
  type RuleIR,
  type RuleTest,
} from '../../dsl';
import type { RunTrigger } from '../../workflows/contract';

/** A test checked against its rule, with its inputs conformed to the declared types. */
export interface PreparedTest {
  readonly test: RuleTest;
  readonly rule: RuleIR;
  /** The trigger without its event id and time, which the runner fills in from the run's clock. */
  readonly trigger:
    | { readonly kind: 'event'; readonly type: string; readonly data: Record<string, unknown> }
    | Exclude<RunTrigger, { kind: 'event' }>;
  /** Timeline event data conformed to each event's schema. */
  readonly timelineData: readonly (Record<string, unknown> | undefined)[];
  /** v2 `triggers`, conformed (the first at 0, each `afterMs` after the previous one). */
  readonly triggers?: readonly PreparedEvent<'afterMs'>[];
  /** v2 `history`, conformed. */
  readonly history: readonly PreparedEvent<'agoMs'>[];
}

/** An event of a test with its data conformed to its schema, and its offset. */
export type PreparedEvent<K extends string> = {
  readonly type: string;
  readonly data: Record<string, unknown>;
} & {
  readonly [k in K]: number;
};

function problems(where: string, list: readonly { path: string; message: string }[]): string {
  return list.map((p) => `${where}${p.path ? `.${p.path}` : ''} ${p.message}`).join('; ');
}

/**
 * Checks that a test fits its rule: the rule exists, the trigger is the kind the rule has, and the
 * trigger and timeline data match the declared event and input types. Problems are located
 * diagnostics in the test file, never exceptions.
 */
export function prepareTest(
  test: RuleTest,
  rules: ReadonlyMap<string, RuleIR>,
): { prepared?: PreparedTest; diagnostics: Diagnostic[] } {
  const fail = (message: string, span = test.span): { diagnostics: Diagnostic[] } => ({
    diagnostics: [error(Codes.testInvalid, `test '${test.name}': ${message}`, span)],
  });
  const rule = rules.get(test.rule);
  if (!rule) return fail(`unknown rule '${test.rule}'${didYouMean(test.rule, rules.keys())}`, test.ruleSpan);

  let trigger: PreparedTest['trigger'];
  const t = test.trigger;
  const conform = (event: string, data: Record<string, unknown>, what: string) => {
    const schema = rule.events.find((e) => e.name === event);
    if (!schema) {
      const known = rule.events.map((e) => e.name);
      return { problem: `rule ${rule.name} never uses event ${event}${didYouMean(event, known)}` };
    }
    const conformed = conformFields(data, schema.fields);
    if (conformed.problems.length > 0) return { problem: `${what}: ${problems('data', conformed.problems)}` };
    return { data: conformed.value as Record<string, unknown> };
  };
  let triggers: PreparedEvent<'afterMs'>[] | undefined;
  if (test.triggers) {
    if (rule.trigger.kind !== 'event') {
      return fail(
        `rule ${rule.name} does not run on an event: 'triggers' needs a rule with 'on'`,
        test.triggers[0].span,
      );
    }
    triggers = [];
    for (const item of test.triggers) {
      if (item.event !== rule.trigger.event)
        return fail(`rule ${rule.name} runs on ${rule.trigger.event}, not ${item.event}`, item.span);
      const c = conform(item.event, item.data, 'trigger data');
      if ('problem' in c) return fail(c.problem ?? '', item.span);
      triggers.push({ type: item.event, data: c.data, afterMs: item.afterMs });
    }
  }
  const history: PreparedEvent<'agoMs'>[] = [];
  for (const item of test.history) {
    const c = conform(item.event, item.data, `${item.event} data`);
    if ('problem' in c) return fail(c.problem ?? '', item.span);
    history.push({ type: item.event, data: c.data, agoMs: item.agoMs });
  }
  if (triggers) {
    trigger = { kind: 'event', type: triggers[0].type, data: triggers[0].data };
  } else if (rule.trigger.kind === 'event') {
    if (t.kind !== 'event')
      return fail(
        `rule ${rule.name} runs on ${rule.trigger.event}: give 'trigger: { event: ${rule.trigger.event}, data: {...} }'`,
      );
    if (t.event !== rule.trigger.event)
      return fail(`rule ${rule.name} runs on ${rule.trigger.event}, not ${t.event}`, t.span);
    const schema = rule.events.find((e) => e.name === t.event);
    const conformed = schema ? conformFields(t.data, schema.fields) : { value: t.data, problems: [] };
    if (conformed.problems.length > 0)
      return fail(`trigger data: ${problems('data', conformed.problems)}`, t.dataSpan);
    trigger = { kind: 'event', type: t.event, data: conformed.value as Record<string, unknown> };
  } else if (rule.trigger.kind === 'manual') {
    if (t.kind !== 'input') return fail(`rule ${rule.name} is started by hand: give 'input: {...}'`);
    const conformed = conformValue(t.input, rule.trigger.input);
    if (conformed.problems.length > 0) return fail(`input: ${problems('input', conformed.problems)}`, t.span);
    trigger = { kind: 'manual', input: conformed.value as Record<string, unknown>, by: 'opsflow test' };
  } else {
    if (t.kind !== 'none')
      return fail(`rule ${rule.name} runs on a schedule: leave out 'trigger' and 'input'`, t.span);
    trigger = { kind: 'schedule' };
  }

  const timelineData: (Record<string, unknown> | undefined)[] = [];
  for (const item of test.timeline) {
    if (item.kind !== 'event') {
      timelineData.push(undefined);
      continue;
    }
    const schema = rule.events.find((e) => e.name === item.event);
    if (!schema) {
      const known = rule.events.map((e) => e.name);
      return fail(
        `rule ${rule.name} never uses event ${item.event}${didYouMean(item.event, known)}`,
        item.span,
      );
    }
    const conformed = conformFields(item.data, schema.fields);
    if (conformed.problems.length > 0)
      return fail(`${item.event} data: ${problems('data', conformed.problems)}`, item.span);
    timelineData.push(conformed.value as Record<string, unknown>);
  }
  return {
    prepared: { test, rule, trigger, timelineData, history, ...(triggers ? { triggers } : {}) },
    diagnostics: [],
  };
}
