/**
 * Completion. Where the cursor is comes from the text before it (a file being typed rarely
 * parses); what to offer comes from the rule set's last analysis: event types after `on`,
 * `wait for`, `emit`, `cancel on`; fields with their types after `event.` or any `NAME.`; actions
 * with their arguments as a snippet after `call`; arguments inside a call; built-in functions,
 * names in scope and keywords in place; rule names, events and actions in test files.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  type CompletionItem,
  type Position,
  type Range,
} from 'vscode-languageserver';
import { BUILTIN_FUNCTIONS, fileKind, typeToString, type TypeIR } from '../dsl';
import { describeAction, describeEvent } from './hover';
import type { RuleSetModel } from './rule-set';
import { ANY, fieldsOf, type NameInfo } from './types';

const TOP_KEYWORDS = ['rule', 'event', 'action'];
const CLAUSE_KEYWORDS = ['on', 'every', 'manual', 'when', 'key', 'concurrency', 'timeout', 'disabled', 'debounce', 'batch', 'throttle', 'limit', 'cancel on', 'do']; // prettier-ignore
const STATEMENT_KEYWORDS = ['let', 'set', 'call', 'if', 'else', 'else if', 'end', 'sleep', 'sleep until', 'wait for', 'approve', 'parallel', 'branch', 'for each', 'emit', 'log', 'stop', 'fail', 'compensate', 'on timeout', 'retry', 'every', 'backoff', 'timeout', 'within', 'where', 'as']; // prettier-ignore
const EXPRESSION_KEYWORDS = ['true', 'false', 'null', 'and', 'or', 'not', 'in'];
const CONCURRENCY = ['single', 'replace', 'queue', 'parallel'];

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const QUALIFIED_PARTIAL = '([A-Za-z_][A-Za-z0-9_.]*)?';

export function complete(model: RuleSetModel, path: string, text: string, pos: Position): CompletionItem[] {
  const lines = text.split('\n');
  const line = (lines[pos.line] ?? '').replace(/\r$/, '');
  const prefix = line.slice(0, pos.character);
  const kind = fileKind(path);
  const ctx: Context = { model, lines, pos, prefix };
  if (kind === 'dsl') return completeDsl(ctx);
  if (kind === 'yaml') return completeYamlRule(ctx);
  if (kind === 'test') return completeTest(ctx);
  return [];
}

interface Context {
  readonly model: RuleSetModel;
  readonly lines: readonly string[];
  readonly pos: Position;
  readonly prefix: string;
}

/** The range of the partial word (dots included) just before the cursor, replaced by an item. */
function partialRange(ctx: Context, partial: string | undefined): Range {
  const start = ctx.pos.character - (partial?.length ?? 0);
  return { start: { line: ctx.pos.line, character: start }, end: ctx.pos };
}

function completeDsl(ctx: Context): CompletionItem[] {
  const p = ctx.prefix;
  if (/#/.test(p.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) return [];
  let m = new RegExp(`\\b(?:on|wait\\s+for|emit|cancel\\s+on)\\s+${QUALIFIED_PARTIAL}$`).exec(p);
  if (m) {
    const items = events(ctx, m[1]);
    if (/\bon\s+\w*$/.test(p) && /^\s+on\s/.test(p)) items.push(keyword('timeout'));
    return items;
  }
  m = new RegExp(`\\bcall\\s+${QUALIFIED_PARTIAL}$`).exec(p);
  if (m) return actions(ctx, m[1], true);
  m = new RegExp(`\\bcall\\s+(${NAME}(?:\\.${NAME})*)\\s*\\(([^()]*)$`).exec(p);
  if (m && /(?:\(|,)\s*[A-Za-z_0-9]*$/.test(p)) return params(ctx, m[1], m[2]);
  m = new RegExp(`\\bemit\\s+(${NAME}(?:\\.${NAME})*)\\s*\\{([^{}]*)$`).exec(p);
  if (m && /(?:\{|,)\s*[A-Za-z_0-9]*$/.test(p)) return emitFields(ctx, m[1], m[2]);
  const member = memberContext(p);
  if (member) return members(ctx, member, ruleAt(ctx, /^\s*rule\s+([A-Za-z_][A-Za-z0-9_]*)/, 'dsl'));
  if (/\bconcurrency\s+\w*$/.test(p)) return CONCURRENCY.map(keyword);
  const rule = ruleAt(ctx, /^\s*rule\s+([A-Za-z_][A-Za-z0-9_]*)/, 'dsl');
  if (/^\s*[A-Za-z_]*$/.test(p)) {
    if (!rule) return TOP_KEYWORDS.map(keyword);
    return (rule.inBody ? STATEMENT_KEYWORDS : CLAUSE_KEYWORDS).map(keyword);
  }
  if (inString(p)) return [];
  return expressionItems(ctx, rule?.name);
}

function completeYamlRule(ctx: Context): CompletionItem[] {
  const p = ctx.prefix;
  let m = new RegExp(`^\\s*(?:-\\s+)?(?:on|wait|emit|event)\\s*:\\s*${QUALIFIED_PARTIAL}$`).exec(p);
  if (m) return events(ctx, m[1]);
  m = new RegExp(`^\\s*(?:-\\s+)?call\\s*:\\s*${QUALIFIED_PARTIAL}$`).exec(p);
  if (m) return actions(ctx, m[1], false);
  const member = memberContext(p);
  if (member) return members(ctx, member, ruleAt(ctx, /^rule\s*:\s*([A-Za-z_][A-Za-z0-9_]*)/, 'yaml'));
  if (/:\s*\S/.test(p)) return expressionItems(ctx, ruleAt(ctx, /^rule\s*:\s*([A-Za-z_][A-Za-z0-9_]*)/, 'yaml')?.name); // prettier-ignore
  return [];
}

function completeTest(ctx: Context): CompletionItem[] {
  const p = ctx.prefix;
  let m = /^\s*(?:-\s+)?rule\s*:\s*([A-Za-z0-9_]*)$/.exec(p);
  if (m) {
    const range = partialRange(ctx, m[1]);
    return [...ctx.model.latest().rules.values()].map((r) => ({
      label: r.decl.name,
      kind: CompletionItemKind.Class,
      detail: r.decl.description ?? (r.trigger ? `on ${r.trigger}` : 'rule'),
      textEdit: { range, newText: r.decl.name },
    }));
  }
  m = new RegExp(`^\\s*(?:-\\s+)?event\\s*:\\s*${QUALIFIED_PARTIAL}$`).exec(p);
  if (m) return events(ctx, m[1]);
  m = new RegExp(`^\\s*(?:-\\s+)?action\\s*:\\s*${QUALIFIED_PARTIAL}$`).exec(p);
  if (m) return actions(ctx, m[1], false);
  m = new RegExp(`(?:no_calls\\s*:\\s*\\[[^\\]]*|^\\s+)${QUALIFIED_PARTIAL}$`).exec(p);
  if (m && (/no_calls/.test(p) || inMocks(ctx))) return actions(ctx, m[1], false);
  return [];
}

function inMocks(ctx: Context): boolean {
  for (let i = ctx.pos.line - 1; i >= 0; i--) {
    const l = ctx.lines[i] ?? '';
    if (/^\S/.test(l)) return /^mocks\s*:/.test(l);
  }
  return false;
}

function keyword(k: string): CompletionItem {
  return { label: k, kind: CompletionItemKind.Keyword };
}

function events(ctx: Context, partial: string | undefined): CompletionItem[] {
  const range = partialRange(ctx, partial);
  return [...ctx.model.latest().declarations.events.values()].map((schema) => ({
    label: schema.name,
    kind: CompletionItemKind.Event,
    detail: `event (${schema.fields.length} field${schema.fields.length === 1 ? '' : 's'})`,
    documentation: { kind: 'markdown', value: '```opsflow\n' + describeEvent(schema) + '\n```' },
    textEdit: { range, newText: schema.name },
  }));
}

function actions(ctx: Context, partial: string | undefined, snippet: boolean): CompletionItem[] {
  const range = partialRange(ctx, partial);
  return [...ctx.model.latest().declarations.actions.values()].map((sig) => {
    const required = sig.params.filter((p) => p.type.kind !== 'optional' && p.type.kind !== 'any');
    const args = required.map((p, i) => `${p.name}: \${${i + 1}}`).join(', ');
    return {
      label: sig.name,
      kind: CompletionItemKind.Function,
      detail: describeAction(sig),
      documentation: { kind: 'markdown', value: '```opsflow\n' + describeAction(sig) + '\n```' },
      ...(snippet
        ? {
            insertTextFormat: InsertTextFormat.Snippet,
            textEdit: { range, newText: `${sig.name}(${args})$0` },
          }
        : { textEdit: { range, newText: sig.name } }),
    };
  });
}

function params(ctx: Context, action: string, written: string): CompletionItem[] {
  const sig = ctx.model.latest().declarations.actions.get(action);
  if (!sig) return [];
  const used = new Set([...written.matchAll(/([A-Za-z_]\w*)\s*:/g)].map((m) => m[1]));
  return sig.params
    .filter((p) => !used.has(p.name))
    .map((p) => ({
      label: p.name,
      kind: CompletionItemKind.Property,
      detail: typeToString(p.type),
      insertText: `${p.name}: `,
    }));
}

function emitFields(ctx: Context, event: string, written: string): CompletionItem[] {
  const schema = ctx.model.latest().declarations.events.get(event);
  if (!schema) return [];
  const used = new Set([...written.matchAll(/([A-Za-z_]\w*)\s*:/g)].map((m) => m[1]));
  return schema.fields
    .filter((f) => !used.has(f.name))
    .map((f) => ({ label: f.name, kind: CompletionItemKind.Field, detail: typeToString(f.type), insertText: `${f.name}: ` })); // prettier-ignore
}

/** `event.sup` → ['event'], `po.body.` → ['po', 'body']: the names before the last dot. */
function memberContext(prefix: string): string[] | undefined {
  const m = new RegExp(`(?:^|[^A-Za-z0-9_.?])(${NAME}(?:\\??\\.${NAME})*)\\??\\.([A-Za-z0-9_]*)$`).exec(
    prefix,
  );
  if (!m) return undefined;
  return m[1].split(/\??\./);
}

interface RuleAt {
  readonly name: string;
  readonly headerLine: number;
  readonly inBody: boolean;
}

/** The rule the cursor is in, found in the text (it may not parse while being typed). */
function ruleAt(ctx: Context, header: RegExp, form: 'dsl' | 'yaml'): RuleAt | undefined {
  for (let i = ctx.pos.line; i >= 0; i--) {
    const l = (ctx.lines[i] ?? '').replace(/\r$/, '');
    if (form === 'yaml' && /^---/.test(l)) return undefined;
    if (i < ctx.pos.line && form === 'dsl' && /^(?:end|event|action)\b/.test(l)) return undefined;
    const m = header.exec(l);
    if (m) {
      let inBody = form === 'yaml';
      for (let j = i; j < ctx.pos.line && !inBody; j++) if (/(?:^|\s)do\s*(?:#.*)?$/.test(ctx.lines[j] ?? '')) inBody = true; // prettier-ignore
      return { name: m[1], headerLine: i, inBody };
    }
  }
  return undefined;
}

/** The trigger event of a rule, read from its text when the rule does not parse. */
function triggerInText(ctx: Context, rule: RuleAt): string | undefined {
  for (let i = rule.headerLine; i < ctx.lines.length && i < rule.headerLine + 500; i++) {
    const l = (ctx.lines[i] ?? '').replace(/#.*$/, '');
    if (i > rule.headerLine && /^(?:rule|event|action|end)\b|^---|^rule\s*:/.test(l)) break;
    const m = /^\s*(?:rule\s+\w+\s+(?:"[^"]*"\s+)?)?(?:on\s+|on\s*:\s*)([A-Za-z_][A-Za-z0-9_.]*)\s*$/.exec(l);
    if (m) return m[1];
  }
  return undefined;
}

function members(ctx: Context, chain: string[], rule: RuleAt | undefined): CompletionItem[] {
  if (!rule) return [];
  const info = ctx.model.rule(rule.name);
  const decls = ctx.model.latest().declarations;
  let bound: NameInfo | undefined = info?.names.get(chain[0]);
  if (!bound && chain[0] === 'event') {
    const trigger = triggerInText(ctx, rule);
    const schema = trigger ? decls.events.get(trigger) : undefined;
    if (schema) bound = { type: { kind: 'object', fields: schema.fields }, event: schema.name };
  }
  if (!bound && info?.trigger && chain[0] === 'event') {
    const schema = decls.events.get(info.trigger);
    if (schema) bound = { type: { kind: 'object', fields: schema.fields }, event: schema.name };
  }
  if (!bound) return [];
  let type: TypeIR = bound.type;
  for (const name of chain.slice(1)) type = fieldsOf(type).find((f) => f.name === name)?.type ?? ANY;
  const owner = chain.length === 1 && bound.event ? bound.event : chain.join('.');
  return fieldsOf(type).map((f) => ({
    label: f.name,
    kind: CompletionItemKind.Field,
    detail: typeToString(f.type),
    documentation: `${owner}.${f.name}: ${typeToString(f.type)}`,
  }));
}

function inString(prefix: string): boolean {
  const stripped = prefix.replace(/\\./g, '');
  const quotes = (stripped.match(/"/g) ?? []).length;
  if (quotes % 2 === 0) return false;
  const last = stripped.lastIndexOf('"');
  return !stripped.slice(last).includes('${');
}

function expressionItems(ctx: Context, rule: string | undefined): CompletionItem[] {
  const items: CompletionItem[] = [...BUILTIN_FUNCTIONS.values()].map((fn) => ({
    label: fn.name,
    kind: CompletionItemKind.Function,
    detail: fn.signature,
    documentation: fn.doc,
    insertTextFormat: InsertTextFormat.Snippet,
    insertText: `${fn.name}($1)$0`,
  }));
  const info = rule ? ctx.model.rule(rule) : undefined;
  for (const [name, bound] of info?.names ?? []) {
    items.push({ label: name, kind: CompletionItemKind.Variable, detail: typeToString(bound.type) });
  }
  items.push(...EXPRESSION_KEYWORDS.map(keyword));
  return items;
}
