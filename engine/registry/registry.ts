/**
 * The rule registry in PostgreSQL: rule sets are deployed as a whole, each changed rule gets a new
 * immutable version, and every action (deploy, rollback, enable, disable) leaves a deployment and
 * audit lines. Every change runs in one transaction under one advisory lock, so two deploys at
 * once (from two API processes, or a SIGHUP during an upload) apply one after the other.
 */
import { compileRuleSet, type RuleIR, type RuleSetInput } from '../../dsl';
import type { Database, Sql } from '../db/sql';
import { DryRunDone, insertVersion, planOf, versionsByHash } from './deploy-parts';
import { DeployWouldRemoveError, RuleNotFoundError } from '../errors';
import type {
  AuditEntry,
  ChangeMeta,
  DeployOptions,
  DeployResult,
  Deployment,
  RuleChange,
  RuleSummary,
  RuleVersion,
  RuleVersionSummary,
} from './records';

/** What a switch records as the rule's change. */
const SWITCH_CHANGES = {
  enable: 'enabled',
  disable: 'disabled',
  pause: 'paused',
  resume: 'resumed',
} as const satisfies Record<string, RuleChange['change']>;

/** Serialises registry changes across processes ("opsflow rules" in ASCII). */
const REGISTRY_LOCK = 0x6f70732d72756c65n;

interface CurrentRow {
  name: string;
  current_version: number;
  enabled: boolean;
  paused_at: Date | null;
  removed_at: Date | null;
  updated_at: Date;
  hash: string;
  ir: RuleIR;
}

interface VersionRow {
  rule_name: string;
  version: number;
  hash: string;
  author: string;
  message: string;
  deployment_id: string;
  created_at: Date;
  current: boolean;
  source_path?: string;
  source?: string;
  ir?: RuleIR;
}

const CURRENT_SQL = `SELECT r.name, r.current_version, r.enabled, r.paused_at, r.removed_at, r.updated_at, v.hash, v.ir
  FROM rules r JOIN rule_versions v ON v.rule_name = r.name AND v.version = r.current_version`;

/** The registry's typed API; one instance per database is enough (it keeps no state). */
export class RuleRegistry {
  constructor(private readonly db: Database) {}

  /**
   * Compiles `files` together and, if there is no error, makes them the deployed rule set: a rule
   * whose IR hash equals its current version's is `unchanged`; one whose hash equals an earlier
   * version's makes that version current again (versions mean content); any other gets a new
   * version. Rules no longer in the set are removed only with `prune`: without it the deploy is
   * refused (`DeployWouldRemoveError`). `dryRun` answers the plan and changes nothing. An invalid
   * set changes nothing and returns its diagnostics.
   */
  async deploy(
    files: readonly RuleSetInput[],
    meta: ChangeMeta,
    options: DeployOptions = {},
  ): Promise<DeployResult> {
    const compiled = options.compiled ?? compileRuleSet(files);
    if (compiled.diagnostics.some((d) => d.severity === 'error')) {
      return { ok: false, diagnostics: compiled.diagnostics };
    }
    const sources = new Map(files.map((f) => [f.path, f.content]));
    try {
      return await this.db.transaction(async (tx) => {
        await lock(tx);
        const deploymentId = await newDeployment(tx, 'deploy', meta, options.folderDigest);
        const current = await currentRows(tx);
        const latest = await latestVersions(tx);
        const byHash = await versionsByHash(tx);
        const changes: RuleChange[] = [];
        const inSet = new Set<string>();
        for (const ir of compiled.rules) {
          inSet.add(ir.name);
          const existing = current.get(ir.name);
          if (existing && existing.hash === ir.hash) {
            if (existing.removed_at) {
              await tx.query('UPDATE rules SET removed_at = NULL, updated_at = now() WHERE name = $1', [
                ir.name,
              ]);
              changes.push({ rule: ir.name, change: 'restored', version: existing.current_version });
            } else {
              changes.push({ rule: ir.name, change: 'unchanged', version: existing.current_version });
            }
            continue;
          }
          const same = byHash.get(`${ir.name}\u0000${ir.hash}`);
          const version = same ?? (latest.get(ir.name) ?? 0) + 1;
          if (same === undefined)
            await insertVersion(tx, ir, version, sources, meta, deploymentId, !latest.has(ir.name));
          await tx.query(
            'UPDATE rules SET current_version = $2, removed_at = NULL, updated_at = now() WHERE name = $1',
            [ir.name, version],
          );
          changes.push({ rule: ir.name, change: existing ? 'changed' : 'added', version });
        }
        const removed = [...current.values()].filter((row) => !inSet.has(row.name) && !row.removed_at);
        if (removed.length > 0 && !options.prune && !options.dryRun) {
          throw new DeployWouldRemoveError(removed.map((r) => r.name));
        }
        for (const row of removed) {
          await tx.query('UPDATE rules SET removed_at = now(), updated_at = now() WHERE name = $1', [
            row.name,
          ]);
          changes.push({ rule: row.name, change: 'removed', version: row.current_version });
        }
        changes.sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
        const result = {
          ok: true as const,
          deploymentId: options.dryRun ? null : deploymentId,
          dryRun: options.dryRun === true,
          plan: planOf(changes),
          changes,
          diagnostics: compiled.diagnostics,
        };
        // A dry run does all the work in the transaction, then rolls it back.
        if (options.dryRun) throw new DryRunDone(result);
        await finishDeployment(tx, deploymentId, meta, changes);
        return result;
      });
    } catch (err) {
      if (err instanceof DryRunDone) return err.result;
      throw err;
    }
  }

  /**
   * The last folder deploy (`opsflow start` and SIGHUP deploy the rule folder): its digest, when,
   * and what every registry action after it changed, per rule (the latest), so a boot that finds
   * the folder unchanged can say what it keeps.
   */
  async lastFolderDeploy(): Promise<
    | {
        readonly digest: string;
        readonly at: string;
        readonly since: readonly { rule: string; change: string; version: number; by: string; at: string }[];
      }
    | undefined
  > {
    const { rows } = await this.db.query<{ id: string; folder_digest: string; created_at: Date }>(
      `SELECT id, folder_digest, created_at FROM deployments
        WHERE folder_digest IS NOT NULL ORDER BY id DESC LIMIT 1`,
    );
    const last = rows[0];
    if (!last) return undefined;
    const after = await this.db.query<{
      rule: string;
      change: string;
      version: number;
      author: string;
      created_at: Date;
    }>(
      `SELECT DISTINCT ON (c.rule) c.rule, c.change, c.version, d.author, d.created_at
         FROM deployments d, jsonb_to_recordset(d.changes) AS c(rule text, change text, version integer)
        WHERE d.id > $1 AND c.change <> 'unchanged'
        ORDER BY c.rule, d.id DESC`,
      [last.id],
    );
    return {
      digest: last.folder_digest,
      at: last.created_at.toISOString(),
      since: after.rows.map((r) => ({
        rule: r.rule,
        change: r.change,
        version: r.version,
        by: r.author,
        at: r.created_at.toISOString(),
      })),
    };
  }

  /** Switches a rule on or off; a no-op switch is still recorded (someone asked for it). */
  setEnabled(name: string, enabled: boolean, meta: ChangeMeta): Promise<RuleSummary> {
    return this.switchRule(name, enabled ? 'enable' : 'disable', meta, (tx) =>
      tx.query('UPDATE rules SET enabled = $2, updated_at = now() WHERE name = $1', [name, enabled]),
    );
  }

  /**
   * Pauses a rule (its triggers are held by the router) or marks it resumed. Resuming only clears
   * the mark: the router's `releaseHeld` routes or drops what was held, then calls this. Recorded
   * like enable/disable, which also makes every process's rule cache see the change.
   */
  setPaused(name: string, paused: boolean, meta: ChangeMeta): Promise<RuleSummary> {
    return this.switchRule(name, paused ? 'pause' : 'resume', meta, (tx) =>
      tx.query(
        `UPDATE rules SET paused_at = CASE WHEN $2 THEN coalesce(paused_at, now()) END,
                paused_by = CASE WHEN $2 THEN $3 END, updated_at = now() WHERE name = $1`,
        [name, paused, meta.author],
      ),
    );
  }

  private async switchRule(
    name: string,
    kind: 'enable' | 'disable' | 'pause' | 'resume',
    meta: ChangeMeta,
    update: (tx: Sql) => Promise<unknown>,
  ): Promise<RuleSummary> {
    await this.db.transaction(async (tx) => {
      await lock(tx);
      const row = (await currentRows(tx, name)).get(name);
      if (!row) throw new RuleNotFoundError(name);
      const deploymentId = await newDeployment(tx, kind, meta);
      await update(tx);
      const change = SWITCH_CHANGES[kind];
      await finishDeployment(tx, deploymentId, meta, [{ rule: name, change, version: row.current_version }]);
    });
    return this.get(name);
  }

  /**
   * Makes an earlier version current again (recorded as a `rollback` deployment). Runs in flight
   * keep the version they started with; a removed rule comes back.
   */
  async rollback(name: string, version: number, meta: ChangeMeta): Promise<RuleSummary> {
    await this.db.transaction(async (tx) => {
      await lock(tx);
      const { rowCount } = await tx.query(
        'SELECT 1 FROM rule_versions WHERE rule_name = $1 AND version = $2',
        [name, version],
      );
      if (rowCount === 0) throw new RuleNotFoundError(name, version);
      const deploymentId = await newDeployment(tx, 'rollback', meta);
      await tx.query(
        'UPDATE rules SET current_version = $2, removed_at = NULL, updated_at = now() WHERE name = $1',
        [name, version],
      );
      await finishDeployment(tx, deploymentId, meta, [{ rule: name, change: 'rolled_back', version }]);
    });
    return this.get(name);
  }

  /** Every rule ever deployed (removed ones included, marked), by name. */
  async list(): Promise<RuleSummary[]> {
    const rows = await currentRows(this.db);
    return [...rows.values()].map(summary);
  }

  /** One rule with its current version; throws `RuleNotFoundError`. */
  async get(name: string): Promise<RuleSummary> {
    const row = (await currentRows(this.db, name)).get(name);
    if (!row) throw new RuleNotFoundError(name);
    return summary(row);
  }

  /** A rule's versions, newest first; throws `RuleNotFoundError` for an unknown rule. */
  async versions(name: string): Promise<RuleVersionSummary[]> {
    const { rows } = await this.db.query<VersionRow>(
      `SELECT v.rule_name, v.version, v.hash, v.author, v.message, v.deployment_id, v.created_at,
              v.version = r.current_version AS current
         FROM rule_versions v JOIN rules r ON r.name = v.rule_name
        WHERE v.rule_name = $1 ORDER BY v.version DESC`,
      [name],
    );
    if (rows.length === 0) throw new RuleNotFoundError(name);
    return rows.map(versionSummary);
  }

  /** One version with its source and IR; throws `RuleNotFoundError`. */
  async version(name: string, version: number): Promise<RuleVersion> {
    const { rows } = await this.db.query<VersionRow>(
      `SELECT v.*, v.version = r.current_version AS current
         FROM rule_versions v JOIN rules r ON r.name = v.rule_name
        WHERE v.rule_name = $1 AND v.version = $2`,
      [name, version],
    );
    const row = rows[0];
    if (!row) throw new RuleNotFoundError(name, version);
    return {
      ...versionSummary(row),
      sourcePath: row.source_path ?? '',
      source: row.source ?? '',
      ir: row.ir as RuleIR,
    };
  }

  /** The latest registry actions, newest first. */
  async deployments(limit = 50): Promise<Deployment[]> {
    const { rows } = await this.db.query<{
      id: string;
      kind: Deployment['kind'];
      author: string;
      message: string;
      created_at: Date;
      changes: RuleChange[];
    }>('SELECT * FROM deployments ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      author: r.author,
      message: r.message,
      createdAt: r.created_at.toISOString(),
      changes: r.changes,
    }));
  }

  /** The audit trail, newest first; of one rule when `rule` is given. */
  async audit(rule?: string, limit = 100): Promise<AuditEntry[]> {
    const { rows } = await this.db.query<{
      id: string;
      at: Date;
      actor: string;
      action: string;
      rule_name: string | null;
      version: number | null;
      deployment_id: string | null;
      detail: Record<string, unknown>;
    }>(`SELECT * FROM audit WHERE $1::text IS NULL OR rule_name = $1 ORDER BY id DESC LIMIT $2`, [
      rule ?? null,
      limit,
    ]);
    return rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      rule: r.rule_name,
      version: r.version,
      deploymentId: r.deployment_id,
      detail: r.detail,
    }));
  }
}

/** Deploys a rule set: `new RuleRegistry(db).deploy(files, meta)`. */
export function deployRuleSet(
  db: Database,
  files: readonly RuleSetInput[],
  meta: ChangeMeta,
  options: DeployOptions = {},
): Promise<DeployResult> {
  return new RuleRegistry(db).deploy(files, meta, options);
}

async function lock(tx: Sql): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [REGISTRY_LOCK.toString()]);
}

async function newDeployment(
  tx: Sql,
  kind: Deployment['kind'],
  meta: ChangeMeta,
  folderDigest?: string,
): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    'INSERT INTO deployments (kind, author, message, folder_digest) VALUES ($1, $2, $3, $4) RETURNING id',
    [kind, meta.author, meta.message ?? '', folderDigest ?? null],
  );
  return rows[0].id;
}

/** Stores the changes on the deployment and one audit line per rule that actually changed. */
async function finishDeployment(
  tx: Sql,
  deploymentId: string,
  meta: ChangeMeta,
  changes: readonly RuleChange[],
): Promise<void> {
  await tx.query('UPDATE deployments SET changes = $2 WHERE id = $1', [
    deploymentId,
    JSON.stringify(changes),
  ]);
  const changed = changes.filter((c) => c.change !== 'unchanged');
  if (changed.length === 0) return;
  await tx.query(
    `INSERT INTO audit (actor, action, rule_name, version, deployment_id, detail)
     SELECT $1, c.change, c.rule, c.version, $2, jsonb_build_object('message', $3::text)
       FROM jsonb_to_recordset($4::jsonb) AS c(rule text, change text, version integer)`,
    [meta.author, deploymentId, meta.message ?? '', JSON.stringify(changed)],
  );
}

/** Every rule (removed ones too) with its current version's hash and IR, or just `name`. */
async function currentRows(sql: Sql, name?: string): Promise<Map<string, CurrentRow>> {
  const { rows } = await sql.query<CurrentRow>(
    `${CURRENT_SQL} WHERE $1::text IS NULL OR r.name = $1 ORDER BY r.name`,
    [name ?? null],
  );
  return new Map(rows.map((r) => [r.name, r]));
}

async function latestVersions(tx: Sql): Promise<Map<string, number>> {
  const { rows } = await tx.query<{ rule_name: string; latest: number }>(
    'SELECT rule_name, max(version) AS latest FROM rule_versions GROUP BY rule_name',
  );
  return new Map(rows.map((r) => [r.rule_name, r.latest]));
}

function summary(row: CurrentRow): RuleSummary {
  return {
    name: row.name,
    description: row.ir.description,
    version: row.current_version,
    hash: row.hash,
    trigger: row.ir.trigger,
    enabled: row.enabled,
    disabledInSource: row.ir.disabled,
    pausedAt: row.paused_at ? row.paused_at.toISOString() : null,
    state: !row.enabled || row.ir.disabled ? 'disabled' : row.paused_at ? 'paused' : 'enabled',
    removedAt: row.removed_at ? row.removed_at.toISOString() : null,
    updatedAt: row.updated_at.toISOString(),
  };
}

function versionSummary(row: VersionRow): RuleVersionSummary {
  return {
    rule: row.rule_name,
    version: row.version,
    hash: row.hash,
    author: row.author,
    message: row.message,
    deploymentId: row.deployment_id,
    createdAt: row.created_at.toISOString(),
    current: row.current,
  };
}
