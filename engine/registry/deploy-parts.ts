/**
 * Parts of a deployment (`RuleRegistry.deploy`): writing a new version, finding an earlier version
 * with the same content, the plan of the changes, and how a dry run leaves its transaction.
 */
import type { RuleIR } from '../../dsl';
import type { Sql } from '../db/sql';
import type { ChangeMeta, DeployPlan, DeployResult, RuleChange } from './records';

/** A new version row of `ir` (and, for a rule never deployed, its `rules` row). */
export async function insertVersion(
  tx: Sql,
  ir: RuleIR,
  version: number,
  sources: ReadonlyMap<string, string>,
  meta: ChangeMeta,
  deploymentId: string,
  newRule: boolean,
): Promise<void> {
  if (newRule) {
    // The foreign key to rule_versions is deferred: the version row follows below.
    await tx.query('INSERT INTO rules (name, current_version) VALUES ($1, $2)', [ir.name, version]);
  }
  await tx.query(
    `INSERT INTO rule_versions (rule_name, version, hash, source_path, source, ir, author, message, deployment_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      ir.name,
      version,
      ir.hash,
      ir.span.file,
      sources.get(ir.span.file) ?? '',
      JSON.stringify(ir),
      meta.author,
      meta.message ?? '',
      deploymentId,
    ],
  );
}

/** The newest version of each (rule, IR hash), keyed `rule NUL hash`. */
export async function versionsByHash(tx: Sql): Promise<Map<string, number>> {
  const { rows } = await tx.query<{ rule_name: string; hash: string; version: number }>(
    'SELECT rule_name, hash, max(version) AS version FROM rule_versions GROUP BY rule_name, hash',
  );
  return new Map(rows.map((r) => [`${r.rule_name}\u0000${r.hash}`, r.version]));
}

/** The plan of a deployment's changes. */
export function planOf(changes: readonly RuleChange[]): DeployPlan {
  const of = (kind: RuleChange['change']) => changes.filter((c) => c.change === kind).map((c) => c.rule);
  return {
    added: of('added'),
    changed: of('changed'),
    removed: of('removed'),
    restored: of('restored'),
    unchanged: of('unchanged'),
  };
}

/** Carries a dry run's answer out of the transaction it rolls back. */
export class DryRunDone extends Error {
  constructor(readonly result: DeployResult) {
    super('dry run');
  }
}
