/**
 * CST → AST for statements. A statement whose required parts did not survive error recovery is
 * left out; its syntax error has already been reported.
 */
import type { CstNode, IToken } from 'chevrotain';
import type { Binding, RetrySpec, Stmt, WaitCase } from '../ast/ast';
import type { ConvertContext } from './cst-access';
import {
  binding,
  durationLit,
  extent,
  node,
  nodes,
  nodeSpan,
  numberValue,
  offsetSpan,
  onlyChild,
  qualified,
  tok,
  tokenEnd,
  tokenSpan,
  toks,
} from './cst-access';
import { Codes, error } from '../core/diagnostics';
import { namedValues, toExpr } from './cst-to-ast';
import type { Span } from '../core/span';

/** Converts a `block` CST node (a statement list). */
export function toBlock(ctx: ConvertContext, n: CstNode | undefined): Stmt[] {
  const out: Stmt[] = [];
  for (const s of nodes(n, 'statement')) {
    const stmt = toStmt(ctx, onlyChild(s));
    if (stmt) out.push(stmt);
  }
  return out;
}

function toStmt(ctx: ConvertContext, n: CstNode | undefined): Stmt | undefined {
  if (!n) return undefined;
  const span = nodeSpan(ctx, n);
  if (!span) return undefined;
  switch (n.name) {
    case 'letStmt':
    case 'setStmt': {
      const name = binding(ctx, tok(n, 'name'));
      if (!name) return undefined;
      const call = node(n, 'call');
      if (call) return toCall(ctx, call, name, span);
      const value = toExpr(ctx, node(n, 'value'));
      return value && { kind: n.name === 'letStmt' ? 'let' : 'set', name, value, span };
    }
    case 'callTail':
      return toCall(ctx, n, undefined, span);
    case 'ifStmt':
      return toIf(ctx, n, span);
    case 'sleepStmt': {
      if (tok(n, 'KwUntil')) {
        const time = toExpr(ctx, node(n, 'time'));
        return time && { kind: 'sleep_until', time, span };
      }
      const duration = toExpr(ctx, node(n, 'duration'));
      return duration && { kind: 'sleep', duration, span };
    }
    case 'waitStmt': {
      const first = node(n, 'first');
      if (first) return toWaitFirst(ctx, first, span);
      const event = qualified(ctx, node(n, 'event'));
      if (!event) return undefined;
      const as = binding(ctx, tok(n, 'as'));
      const where = toExpr(ctx, node(n, 'where'));
      if (node(n, 'where') && !where) return undefined;
      const within = durationLit(ctx, tok(n, 'within'));
      const onTimeout = timeoutBlock(ctx, n);
      return { kind: 'wait', event, ...(as && { as }), ...(where && { where }), ...(within && { within }), ...(onTimeout && { onTimeout }), span }; // prettier-ignore
    }
    case 'approveStmt': {
      const description = toExpr(ctx, node(n, 'description'));
      const by = toExpr(ctx, node(n, 'by'));
      if (!description || (node(n, 'by') && !by)) return undefined;
      const as = binding(ctx, tok(n, 'as'));
      const within = durationLit(ctx, tok(n, 'within'));
      const onTimeout = timeoutBlock(ctx, n);
      return { kind: 'approve', description, ...(by && { by }), ...(as && { as }), ...(within && { within }), ...(onTimeout && { onTimeout }), span }; // prettier-ignore
    }
    case 'parallelStmt': {
      const branches = nodes(n, 'branch');
      const kw = tok(n, 'KwParallel');
      if (branches.length === 0 && kw && tok(n, 'KwEnd')) {
        ctx.diagnostics.push(
          error(Codes.unexpectedToken, 'a `parallel` needs at least one `branch`', tokenSpan(ctx, kw)),
        );
      }
      return { kind: 'parallel', branches: branches.map((b) => toBlock(ctx, b)), span };
    }
    case 'forStmt': {
      const name = binding(ctx, tok(n, 'name'));
      const list = toExpr(ctx, node(n, 'list'));
      return name && list && { kind: 'for_each', name, list, body: toBlock(ctx, node(n, 'body')), span };
    }
    case 'emitStmt': {
      const event = qualified(ctx, node(n, 'event'));
      const fields = namedValues(ctx, node(n, 'fields'), 'field');
      return event && fields && { kind: 'emit', event, fields, span };
    }
    case 'logStmt':
    case 'failStmt': {
      const message = toExpr(ctx, node(n, 'message'));
      return message && { kind: n.name === 'logStmt' ? 'log' : 'fail', message, span };
    }
    case 'stopStmt': {
      const message = toExpr(ctx, node(n, 'message'));
      if (node(n, 'message') && !message) return undefined;
      return message ? { kind: 'stop', message, span } : { kind: 'stop', span };
    }
    default:
      return undefined;
  }
}

function toCall(ctx: ConvertContext, n: CstNode, bind: Binding | undefined, span: Span): Stmt | undefined {
  const action = qualified(ctx, node(n, 'action'));
  const args = namedValues(ctx, node(n, 'args'), 'arg');
  if (!action || !args || !tok(n, 'RParen')) return undefined;
  const retryNode = node(n, 'retry');
  let retry: RetrySpec | undefined;
  if (retryNode) {
    const attempts = numberValue(tok(retryNode, 'attempts'));
    const retrySpan = nodeSpan(ctx, retryNode);
    if (attempts === undefined || !retrySpan) return undefined;
    const every = durationLit(ctx, tok(retryNode, 'every'));
    const backoff = numberValue(tok(retryNode, 'backoff'));
    retry = { attempts, ...(every && { every }), ...(backoff !== undefined && { backoff }), span: retrySpan };
  }
  const timeout = durationLit(ctx, tok(n, 'timeout'));
  return { kind: 'call', ...(bind && { bind }), action, args, ...(retry && { retry }), ...(timeout && { timeout }), span }; // prettier-ignore
}

function toWaitFirst(ctx: ConvertContext, n: CstNode, span: Span): Stmt | undefined {
  const cases: WaitCase[] = [];
  for (const c of nodes(n, 'case')) {
    const event = qualified(ctx, node(c, 'event'));
    const caseSpan = nodeSpan(ctx, c);
    const where = toExpr(ctx, node(c, 'where'));
    if (!event || !caseSpan || (node(c, 'where') && !where)) return undefined;
    const as = binding(ctx, tok(c, 'as'));
    const body = toBlock(ctx, node(c, 'body'));
    cases.push({ event, ...(as && { as }), ...(where && { where }), body, span: caseSpan });
  }
  if (cases.length === 0) return undefined;
  const within = durationLit(ctx, tok(n, 'within'));
  const onTimeout = within ? toBlock(ctx, node(n, 'onTimeout')) : undefined;
  return { kind: 'wait_first', cases, ...(within && { within }), ...(onTimeout && { onTimeout }), span };
}

function timeoutBlock(ctx: ConvertContext, n: CstNode): Stmt[] | undefined {
  const t = node(n, 'onTimeout');
  return t && toBlock(ctx, node(t, 'body'));
}

function toIf(ctx: ConvertContext, n: CstNode, span: Span): Stmt | undefined {
  const conds = nodes(n, 'cond');
  const bodies = nodes(n, 'body');
  // Each branch starts at its `if` (the first) or at the `else` of its `else if`.
  const starts: IToken[] = [...toks(n, 'KwIf').slice(0, 1), ...toks(n, 'elseIf')];
  const branches = [];
  for (let i = 0; i < conds.length && i < bodies.length && i < starts.length; i++) {
    const cond = toExpr(ctx, conds[i]);
    if (!cond) return undefined;
    const end = extent(bodies[i])?.end ?? extent(conds[i])?.end ?? tokenEnd(starts[i]);
    branches.push({ cond, body: toBlock(ctx, bodies[i]), span: offsetSpan(ctx, starts[i].startOffset, end) });
  }
  if (branches.length === 0) return undefined;
  const elseKw = tok(n, 'else');
  return elseKw
    ? { kind: 'if', branches, else: toBlock(ctx, node(n, 'elseBody')), span }
    : { kind: 'if', branches, span };
}
