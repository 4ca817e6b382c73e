import { Inject, Injectable } from '@nestjs/common';
import type { TriggerIR } from '../../dsl';
import { isOptional, typeToString } from '../../dsl';
import { formatDuration } from '../../dsl';
import type { RuleSummary } from '../../engine/registry/records';
import { RunLookup } from '../runs/run-lookup.service';
import { ruleRunsQuery, visibilityQuery } from '../runs/run-query';

/** One parameter of a `manual(...)` rule, for a form. */
export interface ManualInputView {
  readonly name: string;
  /** As written in the rule: `string`, `int`, `list<string>`, `time?`, ... */
  readonly type: string;
  readonly optional: boolean;
}

/** What starts a rule, as the API shows it. */
export type TriggerView =
  | { readonly kind: 'on'; readonly event: string }
  | {
      readonly kind: 'every';
      /** `every 5m`: the interval as duration text; null for a cron schedule. */
      readonly every: string | null;
      readonly intervalMs: number | null;
      readonly cron: string | null;
      readonly timezone: string | null;
    }
  | { readonly kind: 'manual'; readonly inputs: readonly ManualInputView[] };

/** A rule as the API shows it: the registry's summary, its trigger for people, its last run. */
export interface RuleView extends Omit<RuleSummary, 'trigger'> {
  readonly trigger: TriggerView;
  /** When its latest run started (of any kind: routed, manual, scheduled, rerun); null if never. */
  readonly lastRunAt: string | null;
}

/** The trigger of a rule's IR as the API shows it. */
export function triggerView(trigger: TriggerIR): TriggerView {
  if (trigger.kind === 'event') return { kind: 'on', event: trigger.event };
  if (trigger.kind === 'manual') {
    const fields = trigger.input.kind === 'object' ? trigger.input.fields : [];
    return {
      kind: 'manual',
      inputs: fields.map((f) => ({ name: f.name, type: typeToString(f.type), optional: isOptional(f.type) })),
    };
  }
  if ('intervalMs' in trigger) {
    const every = formatDuration(trigger.intervalMs);
    return { kind: 'every', every, intervalMs: trigger.intervalMs, cron: null, timezone: null };
  }
  return { kind: 'every', every: null, intervalMs: null, cron: trigger.cron, timezone: trigger.timezone };
}

/** Turns registry summaries into `RuleView`s (the last run read from Temporal's visibility). */
@Injectable()
export class RuleViews {
  constructor(@Inject(RunLookup) private readonly lookup: RunLookup) {}

  async views(rules: readonly RuleSummary[]): Promise<RuleView[]> {
    return Promise.all(rules.map((r) => this.view(r)));
  }

  async view(rule: RuleSummary): Promise<RuleView> {
    return { ...rule, trigger: triggerView(rule.trigger), lastRunAt: await this.lastRunAt(rule.name) };
  }

  /**
   * The latest start among the rule's running runs (listed by start time) and its latest closed
   * one (listed by close time), so a long run going on does not hide a later one that ended.
   */
  async lastRunAt(rule: string): Promise<string | null> {
    const base = `${visibilityQuery({})} AND ${ruleRunsQuery(rule)}`;
    const [running, closed] = await Promise.all([
      this.lookup.page(`${base} AND ExecutionStatus = 'Running'`, 1),
      this.lookup.page(`${base} AND ExecutionStatus != 'Running'`, 1),
    ]);
    const starts = [...running.infos, ...closed.infos].map((i) => i.startTime.getTime());
    return starts.length === 0 ? null : new Date(Math.max(...starts)).toISOString();
  }
}
