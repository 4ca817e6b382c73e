/**
 * A small rule set shared by the checker and compiler tests: the inventory example of LANGUAGE.md.
 */
import type { Clause, Decl, Stmt } from '../ast/ast';
import type { CheckOptions } from '../check/checker';
import { checkProgram } from '../check/checker';
import type { Diagnostic, DiagnosticCode } from '../core/diagnostics';
import { C, action, event, file, rule, tObj } from './ast-builders';

export function fixtureDecls(): Decl[] {
  return [
    event('inventory.updated', {
      sku: 'string',
      available: 'int',
      reorder_point: 'int',
      reorder_qty: 'int',
      supplier: 'string?',
      tags: 'list<string>?',
      price: 'number',
      updated_at: 'time',
      lead_time: 'duration',
      extra: 'any',
    }),
    event('purchase_order.confirmed', { po_id: 'string', confirmed_by: 'string?' }),
    action(
      'purchasing.create_order',
      { sku: 'string', quantity: 'int', supplier: 'string?' },
      tObj({ id: 'string' }),
    ),
  ];
}

/** Checks one rule (default trigger: `on inventory.updated`) against the fixture declarations. */
export function checkBody(
  body: Stmt[],
  clauses: Clause[] = [C.on('inventory.updated')],
  opts: { compensate?: Stmt[]; extra?: Decl[]; options?: CheckOptions } = {},
): Diagnostic[] {
  const r = rule('r', clauses, body, opts.compensate ? { compensate: opts.compensate } : {});
  return checkProgram([file([...fixtureDecls(), ...(opts.extra ?? []), r])], opts.options).diagnostics;
}

export function errorsOf(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

/** The one error in `diagnostics`, which must have `code`; fails the test otherwise. */
export function onlyError(diagnostics: readonly Diagnostic[], code: DiagnosticCode): Diagnostic {
  const errors = errorsOf(diagnostics);
  if (errors.length !== 1 || errors[0].code !== code) {
    throw new Error(
      `expected exactly one ${code} error, got:\n${errors.map((d) => `  ${d.code}: ${d.message}`).join('\n')}`,
    );
  }
  return errors[0];
}
