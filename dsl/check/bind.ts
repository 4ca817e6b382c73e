/**
 * Binding names and reading literal durations: shared by the statement and action checkers.
 */
import type { Binding, DurationLit } from '../ast/ast';
import { where } from './env';
import type { BindingKind, RuleContext, Scope } from './scope';
import { Codes } from '../core/diagnostics';
import type { Type } from './semantic-types';
import { T } from './semantic-types';
import { FORBIDDEN_MEMBERS } from '../runtime/value';

/**
 * Binds a new name, refusing names that are reserved or already visible; false when refused.
 * `warnUnused` puts a `let` on the unused-binding list: not for `let x = call ...`, where naming
 * the result documents it even when nothing reads it.
 */
export function bindName(
  b: Binding,
  type: Type,
  kind: BindingKind,
  scope: Scope,
  rc: RuleContext,
  warnUnused = kind === 'let',
): boolean {
  if (b.name === 'event' || b.name === 'input') {
    rc.env.error(
      Codes.alreadyBound,
      `'${b.name}' is reserved for the rule's trigger and cannot be bound`,
      b.span,
    );
    return false;
  }
  if (FORBIDDEN_MEMBERS.has(b.name)) {
    rc.env.error(Codes.reservedName, `'${b.name}' cannot be used as a name`, b.span);
    return false;
  }
  const existing = scope.lookup(b.name);
  if (existing) {
    const at = existing.span ? ` at ${where(existing.span)}` : '';
    rc.env.error(
      Codes.alreadyBound,
      `'${b.name}' is already bound${at}; choose another name or use 'set'`,
      b.span,
    );
    return false;
  }
  // `let x = null` starts empty and may be set to anything later.
  const info = { name: b.name, type: type.kind === 'null' ? T.any : type, kind, span: b.span, used: false };
  scope.declare(info);
  if (warnUnused) rc.lets.push(info);
  return true;
}

/** A duration given as a literal (`within`, `timeout`): must be longer than zero. */
export function positiveMs(d: DurationLit, what: string, rc: RuleContext): number {
  if (!(d.ms > 0)) rc.env.error(Codes.invalidDuration, `${what} must be longer than 0`, d.span);
  return d.ms;
}
