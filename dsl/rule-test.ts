/**
 * Rule tests (`*.test.yaml`, LANGUAGE.md §7): the file format, read into plain data with located
 * diagnostics. Running them is the engine's business (`opsflow test`); this module only reads.
 * A file may hold several tests as YAML documents.
 */
import { isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import type { Diagnostic } from './core/diagnostics';
import type { Span } from './core/span';
import { didYouMean } from './core/suggest';
import { Reader } from './rule-test-reader';
import {
  readHistory,
  readOutcomes,
  readRuns,
  readStatuses,
  readTriggers,
  type HistoryItem,
  type TriggerItem,
} from './rule-test-v2';

export type { HistoryItem, TriggerItem } from './rule-test-v2';

export type ExpectedStatus = 'completed' | 'failed' | 'stopped' | 'skipped' | 'running' | 'cancelled';
export const EXPECTED_STATUSES: readonly ExpectedStatus[] = [
  'completed',
  'failed',
  'stopped',
  'skipped',
  'running',
  'cancelled',
];

export type TestTrigger =
  | {
      readonly kind: 'event';
      readonly event: string;
      readonly data: Record<string, unknown>;
      readonly span: Span;
      /** Where the event's data is written, for data problems. */
      readonly dataSpan: Span;
    }
  | { readonly kind: 'input'; readonly input: Record<string, unknown>; readonly span: Span }
  | { readonly kind: 'none' };

/** What a mocked action does: return `result`, or fail for good with `fail`. */
export type MockBehaviour = { readonly result: unknown } | { readonly fail: string };

export type TimelineItem =
  | {
      readonly kind: 'event';
      readonly afterMs: number;
      readonly event: string;
      readonly data: Record<string, unknown>;
      readonly span: Span;
    }
  | {
      readonly kind: 'approve';
      readonly afterMs: number;
      readonly approved: boolean;
      readonly by?: string;
      readonly comment?: string;
      readonly span: Span;
    };

export interface ExpectedCall {
  readonly action: string;
  /** A subset of the call's arguments that must match (deep equality on each given key). */
  readonly with?: Record<string, unknown>;
  readonly span: Span;
}

export interface RuleTest {
  readonly file: string;
  readonly name: string;
  readonly rule: string;
  readonly ruleSpan: Span;
  readonly trigger: TestTrigger;
  readonly mocks: ReadonlyMap<string, MockBehaviour>;
  readonly timeline: readonly TimelineItem[];
  /** v2: several triggers, routed as the engine routes them (`after`: from the previous one). */
  readonly triggers?: readonly TriggerItem[];
  /** v2: events stored before the first trigger (`ago` counts back from it). */
  readonly history: readonly HistoryItem[];
  readonly expect: {
    /** The status every run must end with. */
    readonly status?: ExpectedStatus;
    /** v2: one status per run, in the order the runs started. */
    readonly statuses?: readonly ExpectedStatus[];
    /** v2: how many runs the triggers started. */
    readonly runs?: number;
    /** v2: how many triggers had each outcome (only the outcomes named are checked). */
    readonly outcomes?: Readonly<Record<string, number>>;
    /** The complete list of calls the run started, in order; absent means "not checked". */
    readonly calls?: readonly ExpectedCall[];
    readonly noCalls: readonly string[];
    /** For failed runs: text the failure message must contain. */
    readonly error?: string;
  };
  readonly span: Span;
}

const TEST_KEYS = ['test', 'rule', 'trigger', 'triggers', 'history', 'input', 'mocks', 'timeline', 'expect'];
const EXPECT_KEYS = ['status', 'calls', 'no_calls', 'error', 'runs', 'outcomes'];

/** Reads every test in a `*.test.yaml` file; never throws. */
export function parseRuleTests(file: string, text: string): { tests: RuleTest[]; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const r = new Reader(file, lines);
  const whole: Span = { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
  const tests: RuleTest[] = [];
  try {
    const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      for (const e of doc.errors)
        r.problem(
          r.span({ range: [e.pos[0], e.pos[1], e.pos[1]] } as Node, whole),
          `YAML: ${e.message.split('\n')[0]}`,
        );
      if (doc.errors.length > 0 || doc.contents === null) continue;
      const test = readTest(r, doc.contents as Node, r.span(doc.contents as Node, whole));
      if (test) tests.push(test);
    }
  } catch (err) {
    r.problem(
      whole,
      `this file cannot be read: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }
  return { tests, diagnostics: r.diagnostics };
}

function readTest(r: Reader, node: Node, span: Span): RuleTest | undefined {
  const e = r.entries(node, 'a test', TEST_KEYS, span);
  if (!e) return undefined;
  const name = e.get('test')
    ? r.text(e.get('test')!.value, "'test'", span)
    : r.problem(span, "a test needs a 'test:' name");
  const ruleEntry = e.get('rule');
  const rule = ruleEntry
    ? r.text(ruleEntry.value, "'rule'", span)
    : r.problem(span, "a test needs 'rule:' (the rule it tests)");
  const triggersEntry = e.get('triggers');
  if (triggersEntry && (e.get('trigger') || e.get('input'))) {
    return r.problem(triggersEntry.span, "give either 'triggers:' (several events) or 'trigger:', not both");
  }
  const trigger: TestTrigger | undefined = triggersEntry ? { kind: 'none' } : readTrigger(r, e);
  const triggers = triggersEntry ? readTriggers(r, triggersEntry, span) : undefined;
  const history = readHistory(r, e.get('history'), span);
  const mocks = readMocks(r, e.get('mocks'));
  const timeline = readTimeline(r, e.get('timeline'), span);
  const expect = readExpect(r, e.get('expect'), span);
  if (
    name === undefined ||
    rule === undefined ||
    !trigger ||
    (triggersEntry && !triggers) ||
    !history ||
    !mocks ||
    !timeline ||
    !expect
  )
    return undefined;
  return {
    file: r.file,
    name,
    rule,
    ruleSpan: r.span(ruleEntry!.value, span),
    trigger,
    ...(triggers ? { triggers } : {}),
    history,
    mocks,
    timeline,
    expect,
    span,
  };
}

function readTrigger(r: Reader, e: Map<string, { value: Node | null; span: Span }>): TestTrigger | undefined {
  const trigger = e.get('trigger');
  const input = e.get('input');
  if (trigger && input)
    return r.problem(input.span, "give either 'trigger:' (an event) or 'input:' (a manual rule), not both");
  if (input) {
    const data = r.data(input.value, "'input'", input.span);
    return data && { kind: 'input', input: data, span: input.span };
  }
  if (!trigger) return { kind: 'none' };
  const t = r.entries(trigger.value, "'trigger'", ['event', 'data', 'input'], trigger.span);
  if (!t) return undefined;
  if (t.get('input')) {
    const data = r.data(t.get('input')!.value, "'input'", trigger.span);
    return data && { kind: 'input', input: data, span: trigger.span };
  }
  const event = t.get('event')
    ? r.text(t.get('event')!.value, "'event'", trigger.span)
    : r.problem(trigger.span, "'trigger' needs 'event:'");
  const data = r.data(t.get('data')?.value ?? null, "'data'", trigger.span);
  const dataSpan = r.span(t.get('data')?.value, trigger.span);
  return event === undefined || !data
    ? undefined
    : { kind: 'event', event, data, span: trigger.span, dataSpan };
}

function readMocks(
  r: Reader,
  entry: { value: Node | null; span: Span } | undefined,
): Map<string, MockBehaviour> | undefined {
  const mocks = new Map<string, MockBehaviour>();
  if (!entry || entry.value === null) return mocks;
  const m = r.entries(entry.value, "'mocks'", undefined, entry.span);
  if (!m) return undefined;
  for (const [action, { value }] of m) {
    const json: unknown = value === null ? {} : value.toJSON();
    if (
      json !== null &&
      typeof json === 'object' &&
      !Array.isArray(json) &&
      Object.keys(json).length === 1 &&
      'fail' in json
    ) {
      mocks.set(action, { fail: String((json as { fail: unknown }).fail) });
    } else {
      mocks.set(action, { result: json ?? {} });
    }
  }
  return mocks;
}

function readTimeline(
  r: Reader,
  entry: { value: Node | null; span: Span } | undefined,
  span: Span,
): TimelineItem[] | undefined {
  if (!entry || entry.value === null) return [];
  if (!isSeq(entry.value)) return r.problem(entry.span, "'timeline' must be a list");
  const items: TimelineItem[] = [];
  let ok = true;
  for (const item of entry.value.items) {
    const at = r.span(item as Node, span);
    const t = r.entries(item, 'a timeline entry', ['after', 'event', 'data', 'approve', 'by', 'comment'], at);
    if (!t) {
      ok = false;
      continue;
    }
    const afterMs = t.get('after') ? r.durationMs(t.get('after')!.value, at) : 0;
    if (afterMs === undefined) {
      ok = false;
      continue;
    }
    if (t.get('event') && t.get('approve')) {
      ok = r.problem(at, "a timeline entry is either an 'event' or an 'approve', not both") ?? false;
    } else if (t.get('event')) {
      const event = r.text(t.get('event')!.value, "'event'", at);
      const data = r.data(t.get('data')?.value ?? null, "'data'", at);
      if (event === undefined || !data) ok = false;
      else items.push({ kind: 'event', afterMs, event, data, span: at });
    } else if (t.get('approve')) {
      const v = t.get('approve')!.value;
      if (!isScalar(v) || typeof v.value !== 'boolean') {
        ok = r.problem(r.span(v, at), "'approve' must be true or false") ?? false;
        continue;
      }
      const by = t.get('by') ? r.text(t.get('by')!.value, "'by'", at) : undefined;
      const comment = t.get('comment') ? r.text(t.get('comment')!.value, "'comment'", at) : undefined;
      items.push({ kind: 'approve', afterMs, approved: v.value, by, comment, span: at });
    } else {
      ok = r.problem(at, "a timeline entry needs 'event:' or 'approve:'") ?? false;
    }
  }
  return ok ? items : undefined;
}

function readExpect(
  r: Reader,
  entry: { value: Node | null; span: Span } | undefined,
  span: Span,
): RuleTest['expect'] | undefined {
  if (!entry) return r.problem(span, "a test needs 'expect:' (status, calls, no_calls)");
  const e = r.entries(entry.value, "'expect'", EXPECT_KEYS, entry.span);
  if (!e) return undefined;
  let status: ExpectedStatus | undefined;
  let statuses: ExpectedStatus[] | undefined;
  const s = e.get('status');
  let bad = false;
  if (s && isSeq(s.value)) {
    statuses = readStatuses(r, s, EXPECTED_STATUSES);
    bad = !statuses;
  } else if (s) {
    const text = r.text(s.value, "'status'", s.span);
    if (text !== undefined && !(EXPECTED_STATUSES as readonly string[]).includes(text)) {
      return r.problem(
        r.span(s.value, s.span),
        `unknown status '${text}': one of ${EXPECTED_STATUSES.join(', ')}${didYouMean(text, EXPECTED_STATUSES)}`,
      );
    }
    status = text as ExpectedStatus | undefined;
  }
  const runsEntry = e.get('runs');
  const runs = runsEntry ? readRuns(r, runsEntry) : undefined;
  bad ||= runsEntry !== undefined && runs === undefined;
  const outcomesEntry = e.get('outcomes');
  const outcomes = outcomesEntry ? readOutcomes(r, outcomesEntry) : undefined;
  if ((outcomesEntry && !outcomes) || bad) return undefined;
  let calls: ExpectedCall[] | undefined;
  const c = e.get('calls');
  if (c) {
    if (c.value !== null && !isSeq(c.value)) return r.problem(c.span, "'calls' must be a list");
    calls = [];
    for (const item of isSeq(c.value) ? c.value.items : []) {
      const at = r.span(item as Node, c.span);
      const ce = r.entries(item, 'an expected call', ['action', 'with'], at);
      if (!ce) return undefined;
      const action = ce.get('action')
        ? r.text(ce.get('action')!.value, "'action'", at)
        : r.problem(at, "an expected call needs 'action:'");
      const withArgs = ce.get('with') ? r.data(ce.get('with')!.value, "'with'", at) : undefined;
      if (action === undefined) return undefined;
      calls.push({ action, with: withArgs, span: at });
    }
  }
  const nc = e.get('no_calls');
  const noCalls: string[] = [];
  if (nc) {
    if (!isSeq(nc.value)) return r.problem(nc.span, "'no_calls' must be a list of action names");
    for (const item of nc.value.items) {
      const name = r.text(item as Node, 'an action name', nc.span);
      if (name !== undefined) noCalls.push(name);
    }
  }
  const er = e.get('error');
  const errorText = er ? r.text(er.value, "'error'", er.span) : undefined;
  return {
    status,
    ...(statuses ? { statuses } : {}),
    ...(runs !== undefined ? { runs } : {}),
    ...(outcomes ? { outcomes } : {}),
    calls,
    noCalls,
    error: errorText,
  };
}
