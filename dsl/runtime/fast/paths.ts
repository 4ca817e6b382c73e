/**
 * The fast form's member paths (`closures.ts`): `name.a.b...` read by one closure instead of
 * one per link, with the evaluator's errors (unknown name, null member, forbidden or secret reads).
 */
import { readField, unknownName, type EvalState, type Run } from './eval-state';
import { EvalError } from '../errors';
import { exprText } from '../expr-text';
import type { ExprIR } from '../ir';
import type { Span } from '../../core/span';
import type { Value } from '../value';
import { FORBIDDEN_MEMBERS } from '../value';

type Chain = Extract<ExprIR, { kind: 'member' | 'index' }>;

interface PathLink {
  readonly name: string;
  readonly optional: boolean;
  readonly span: Span;
  readonly object: ExprIR;
}

/** `name.a.b...` as data, read by `readPath`. */
export interface PathSpec {
  readonly root: string;
  readonly rootSpan: Span;
  readonly links: readonly PathLink[];
}

/** The path `e` is, if it is one: members only (none forbidden) down to a name. */
export function pathSpec(e: ExprIR): PathSpec | undefined {
  const links: PathLink[] = [];
  let at: ExprIR = e;
  while (at.kind === 'member') {
    if (FORBIDDEN_MEMBERS.has(at.name)) return undefined;
    links.unshift({ name: at.name, optional: at.optional, span: at.span, object: at.object });
    at = at.object;
  }
  return at.kind === 'name' && links.length > 0 ? { root: at.name, rootSpan: at.span, links } : undefined;
}

/**
 * Reads a path as the evaluator's member chain does (fast form: no steps charged). A plain
 * function rather than a closure per path, so that V8 can inline it into every caller.
 */
export function readPath(f: EvalState, path: PathSpec): Value {
  const scope = f.scope;
  if (!Object.hasOwn(scope, path.root)) throw unknownName(path.root, path.rootSpan);
  let v = scope[path.root];
  const links = path.links;
  for (let i = 0; i < links.length; i++) {
    const link = links[i];
    if (v === null) {
      if (link.optional) return null;
      throw new EvalError(
        'null-value',
        `cannot read .${link.name}: ${exprText(link.object)} is null`,
        link.span,
      );
    }
    v = readField(f, v, link.name, link.span);
  }
  return v;
}

/** Fast form only: a path as one closure (`event.qty`, `event.customer.country`). */
export function closurePath(e: Chain): Run | undefined {
  const spec = pathSpec(e);
  return spec === undefined ? undefined : (f) => readPath(f, spec);
}
