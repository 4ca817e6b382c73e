/**
 * What the editor needs to know about every name in a rule set: each place an event, a field, an
 * action, an argument, a rule, a bound name or a function is written, which declaration it means
 * (`key`) and its type. Definition, references, rename, hover and semantic tokens all read this
 * one index. The walk is generic below the constructs it knows, so language constructs added
 * later (clauses, statements, expressions) still have their names and types found.
 */
import type {
  ActionSignatureIR,
  Binding,
  ConnectorDecl,
  Decl,
  EventSchemaIR,
  Expr,
  QualifiedName,
  RuleDecl,
  SourceFile,
  Span,
  Stmt,
  TypeIR,
} from '../dsl';
import { ANY, inferType, nonNull, objectType, optionalOf, typeFromAst, type NameInfo } from './types';

export type OccurrenceKind = 'event' | 'field' | 'action' | 'param' | 'rule' | 'binding' | 'function';

/** One place a name is written. Occurrences with the same `key` are the same thing. */
export interface Occurrence {
  readonly kind: OccurrenceKind;
  readonly key: string;
  readonly name: string;
  readonly span: Span;
  /** The declaration itself (event, field, action, parameter, rule, `let` ...), not a use. */
  readonly decl: boolean;
  readonly type?: TypeIR;
  /** For fields and parameters: the event or action they belong to; for names: the event they hold. */
  readonly owner?: string;
  /** For bound names: how they were bound (`let`, `wait`, `event` ...). */
  readonly how?: string;
}

/** A rule as the editor sees it: its names in scope, for completion after `NAME.`. */
export interface RuleInfo {
  readonly decl: RuleDecl;
  readonly file: string;
  readonly trigger?: string;
  readonly names: Map<string, NameInfo>;
}

export interface Declarations {
  readonly events: ReadonlyMap<string, EventSchemaIR>;
  readonly actions: ReadonlyMap<string, ActionSignatureIR>;
}

const APPROVAL: TypeIR = {
  kind: 'object',
  fields: [
    { name: 'approved', type: { kind: 'bool' } },
    { name: 'by', type: { kind: 'string' } },
    { name: 'comment', type: { kind: 'optional', type: { kind: 'string' } } },
    { name: 'at', type: { kind: 'time' } },
  ],
};

export const eventKey = (name: string): string => `event:${name}`;
export const actionKey = (name: string): string => `action:${name}`;
export const ruleKey = (name: string): string => `rule:${name}`;
export const fieldKey = (event: string, name: string): string => `field:${event}:${name}`;
export const paramKey = (action: string, name: string): string => `param:${action}:${name}`;

interface Bound extends NameInfo {
  readonly key: string;
}

class Names {
  private readonly own = new Map<string, Bound>();
  constructor(private readonly parent?: Names) {}
  child(): Names {
    return new Names(this);
  }
  get(name: string): Bound | undefined {
    return this.own.get(name) ?? this.parent?.get(name);
  }
  set(name: string, bound: Bound): void {
    this.own.set(name, bound);
  }
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSpan = (v: unknown): v is Span =>
  isNode(v) && typeof v.line === 'number' && typeof v.file === 'string';
const isQualified = (v: unknown): v is QualifiedName =>
  isNode(v) && typeof v.name === 'string' && isSpan(v.span) && !('kind' in v);

/** Walks the declarations of a rule set and records every occurrence of a name. */
export class Indexer {
  readonly occurrences: Occurrence[] = [];
  readonly rules: RuleInfo[] = [];
  private rule?: RuleInfo;

  constructor(private readonly decls: Declarations) {}

  private add(o: Occurrence): void {
    this.occurrences.push(o);
  }

  source(file: SourceFile): void {
    for (const decl of file.decls) this.decl(decl, file.file);
  }

  connector(decl: ConnectorDecl): void {
    for (const action of decl.actions) {
      this.add({
        kind: 'action',
        key: actionKey(action.name),
        name: action.name,
        span: action.span,
        decl: true,
      });
    }
  }

  /** A rule test names its rule: `rule: NAME`. */
  testRule(name: string, span: Span): void {
    this.add({ kind: 'rule', key: ruleKey(name), name, span, decl: false });
  }

  private decl(decl: Decl, file: string): void {
    if (decl.kind === 'event') {
      this.add({ kind: 'event', key: eventKey(decl.name), name: decl.name, span: decl.nameSpan, decl: true });
      for (const f of decl.fields) {
        const type = typeFromAst(f.type);
        this.add({ kind: 'field', key: fieldKey(decl.name, f.name), name: f.name, span: f.nameSpan, decl: true, type, owner: decl.name }); // prettier-ignore
      }
    } else if (decl.kind === 'action') {
      this.add({
        kind: 'action',
        key: actionKey(decl.name),
        name: decl.name,
        span: decl.nameSpan,
        decl: true,
      });
      for (const p of decl.params) {
        const type = typeFromAst(p.type);
        this.add({ kind: 'param', key: paramKey(decl.name, p.name), name: p.name, span: p.nameSpan, decl: true, type, owner: decl.name }); // prettier-ignore
      }
    } else if (decl.kind === 'rule') {
      this.ruleDecl(decl, file);
    }
  }

  private ruleDecl(decl: RuleDecl, file: string): void {
    this.add({ kind: 'rule', key: ruleKey(decl.name), name: decl.name, span: decl.nameSpan, decl: true });
    const names = new Map<string, NameInfo>();
    const info: RuleInfo = { decl, file, names };
    this.rule = info;
    const scope = new Names();
    const ruleId = `${file}:${decl.nameSpan.line}:${decl.nameSpan.column}`;
    for (const clause of decl.clauses) {
      if (clause.kind === 'on') {
        (info as { trigger?: string }).trigger = clause.event.name;
        const schema = this.decls.events.get(clause.event.name);
        const type: TypeIR = schema ? { kind: 'object', fields: schema.fields } : ANY;
        this.bind('event', { type, event: clause.event.name, key: `implicit:${ruleId}:event` }, scope);
      } else if (clause.kind === 'manual') {
        this.bind('input', { type: objectType(clause.params), key: `implicit:${ruleId}:input` }, scope);
      }
    }
    for (const clause of decl.clauses) this.any(clause, scope);
    const body = scope.child();
    this.block(decl.body, body);
    if (decl.compensate) this.block(decl.compensate, body.child());
    this.rules.push(info);
    this.rule = undefined;
  }

  private bind(name: string, bound: Bound, scope: Names): void {
    scope.set(name, bound);
    if (this.rule && !this.rule.names.has(name)) this.rule.names.set(name, bound);
  }

  private declare(b: Binding, info: NameInfo, how: string, scope: Names): void {
    const key = `bind:${b.span.file}:${b.span.line}:${b.span.column}`;
    this.bind(b.name, { ...info, key }, scope);
    this.add({ kind: 'binding', key, name: b.name, span: b.span, decl: true, type: info.type, how, owner: info.event }); // prettier-ignore
  }

  private block(stmts: readonly Stmt[], scope: Names): void {
    for (const s of stmts) this.stmt(s, scope);
  }

  private eventRef(q: QualifiedName): void {
    this.add({ kind: 'event', key: eventKey(q.name), name: q.name, span: q.span, decl: false });
  }

  private eventInfo(name: string): NameInfo {
    const schema = this.decls.events.get(name);
    return { type: schema ? { kind: 'object', fields: schema.fields } : ANY, event: name };
  }

  private stmt(s: Stmt, scope: Names): void {
    switch (s.kind) {
      case 'let':
        this.expr(s.value, scope);
        this.declare(s.name, { type: inferType(s.value, (n) => scope.get(n)) }, 'let', scope);
        return;
      case 'set':
        this.expr(s.value, scope);
        this.nameRef(s.name.name, s.name.span, scope);
        return;
      case 'call': {
        const sig = this.decls.actions.get(s.action.name);
        this.add({ kind: 'action', key: actionKey(s.action.name), name: s.action.name, span: s.action.span, decl: false }); // prettier-ignore
        for (const arg of s.args) {
          const type = sig?.params.find((p) => p.name === arg.name)?.type;
          this.add({ kind: 'param', key: paramKey(s.action.name, arg.name), name: arg.name, span: arg.nameSpan, decl: false, type, owner: s.action.name }); // prettier-ignore
          this.expr(arg.value, scope);
        }
        if (s.bind) this.declare(s.bind, { type: sig?.result ?? ANY }, 'let', scope);
        return;
      }
      case 'if':
        for (const b of s.branches) {
          this.expr(b.cond, scope);
          this.block(b.body, scope.child());
        }
        if (s.else) this.block(s.else, scope.child());
        return;
      case 'wait': {
        this.eventRef(s.event);
        const info = this.eventInfo(s.event.name);
        if (s.as)
          this.declare(s.as, s.within ? { ...info, type: optionalOf(info.type) } : info, 'wait', scope);
        if (s.where) this.expr(s.where, scope);
        if (s.onTimeout) this.block(s.onTimeout, scope.child());
        return;
      }
      case 'approve':
        this.expr(s.description, scope);
        if (s.by) this.expr(s.by, scope);
        if (s.as) this.declare(s.as, { type: s.within ? optionalOf(APPROVAL) : APPROVAL }, 'approve', scope);
        if (s.onTimeout) this.block(s.onTimeout, scope.child());
        return;
      case 'parallel':
        for (const b of s.branches) this.block(b, scope.child());
        return;
      case 'for_each': {
        this.expr(s.list, scope);
        const inner = scope.child();
        const list = nonNull(inferType(s.list, (n) => scope.get(n)));
        this.declare(s.name, { type: list.kind === 'list' ? list.element : ANY }, 'for each', inner);
        this.block(s.body, inner);
        return;
      }
      case 'emit':
        this.eventRef(s.event);
        for (const f of s.fields) {
          const type = this.decls.events.get(s.event.name)?.fields.find((x) => x.name === f.name)?.type;
          this.add({ kind: 'field', key: fieldKey(s.event.name, f.name), name: f.name, span: f.nameSpan, decl: false, type, owner: s.event.name }); // prettier-ignore
          this.expr(f.value, scope);
        }
        return;
      default:
        this.any(s, scope);
    }
  }

  private nameRef(name: string, span: Span, scope: Names): void {
    const bound = scope.get(name);
    if (!bound) return;
    const how = bound.key.startsWith('implicit:') ? name : undefined;
    this.add({ kind: 'binding', key: bound.key, name, span, decl: false, type: bound.type, owner: bound.event, how }); // prettier-ignore
  }

  private expr(e: Expr, scope: Names, depth = 0): void {
    if (depth > 200) return;
    switch (e.kind) {
      case 'name':
        this.nameRef(e.name, e.span, scope);
        return;
      case 'member': {
        this.expr(e.object, scope, depth + 1);
        const lookup = (n: string) => scope.get(n);
        const event = e.object.kind === 'name' ? scope.get(e.object.name)?.event : undefined;
        const type = inferType(e, lookup);
        const known = nonNull(inferType(e.object, lookup)).kind === 'object';
        if (event) {
          this.add({ kind: 'field', key: fieldKey(event, e.name), name: e.name, span: e.nameSpan, decl: false, type, owner: event }); // prettier-ignore
        } else if (known) {
          const key = `member:${e.nameSpan.file}:${e.nameSpan.line}:${e.nameSpan.column}`;
          this.add({ kind: 'field', key, name: e.name, span: e.nameSpan, decl: false, type });
        }
        return;
      }
      case 'call':
        this.add({ kind: 'function', key: `fn:${e.fn}`, name: e.fn, span: e.fnSpan, decl: false });
        for (const a of e.args) this.expr(a, scope, depth + 1);
        return;
      default:
        this.any(e, scope, depth + 1);
    }
  }

  /**
   * Anything else: the expressions, statements and names inside, found by shape. An event
   * reference (`event: QualifiedName`) with an `as` name binds that name, typed as the event,
   * for the rest of the node (`cancel on X as c where ...`, windows).
   */
  private any(node: unknown, scope: Names, depth = 0): void {
    if (depth > 200) return;
    if (Array.isArray(node)) {
      for (const item of node) this.any(item, scope, depth + 1);
      return;
    }
    if (!isNode(node)) return;
    let inner = scope;
    if (isQualified(node.event)) {
      this.eventRef(node.event);
      if (isQualified(node.as)) {
        inner = scope.child();
        this.declare(node.as, this.eventInfo(node.event.name), 'as', inner);
      }
    }
    if (isQualified(node.action)) {
      this.add({ kind: 'action', key: actionKey(node.action.name), name: node.action.name, span: node.action.span, decl: false }); // prettier-ignore
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === 'event' || k === 'as' || k === 'action' || k === 'span' || k.endsWith('Span')) continue;
      if (isNode(v) && typeof v.kind === 'string' && isSpan(v.span)) {
        if (isExprNode(v)) this.expr(v as unknown as Expr, inner, depth + 1);
        else if (isStmtNode(v)) this.stmt(v as unknown as Stmt, inner);
        else this.any(v, inner, depth + 1);
      } else if (Array.isArray(v)) {
        if (v.every((x) => isNode(x) && isStmtNode(x))) this.block(v as Stmt[], inner.child());
        else this.any(v, inner, depth + 1);
      }
    }
  }
}

const EXPR_KINDS = new Set(['number', 'string', 'bool', 'null', 'duration', 'list', 'object', 'name', 'member', 'index', 'unary', 'binary', 'paren']); // prettier-ignore
const STMT_KINDS = new Set(['let', 'set', 'if', 'sleep', 'sleep_until', 'wait', 'approve', 'parallel', 'for_each', 'emit', 'log', 'stop', 'fail']); // prettier-ignore

function isExprNode(v: Node): boolean {
  const kind = String(v.kind);
  if (kind === 'call') return typeof v.fn === 'string';
  if (kind === 'list') return Array.isArray(v.items);
  if (kind === 'object') return Array.isArray(v.fields) && !('optional' in v);
  return EXPR_KINDS.has(kind);
}

function isStmtNode(v: Node): boolean {
  const kind = String(v.kind);
  if (kind === 'call') return isQualified(v.action);
  return STMT_KINDS.has(kind);
}
