import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationError } from '../errors';
import { projectRoot } from '../paths';
import type { Database, Sql } from './sql';

/** One numbered SQL migration (`engine/db/migrations/0001_name.sql`). Migrations only go up. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** sha256 of the file: an applied migration must never change. */
  readonly checksum: string;
}

export interface MigrateResult {
  readonly applied: readonly string[];
  readonly alreadyApplied: number;
}

/** Serialises migration runs across processes; any constant unique to opsflow will do. */
const LOCK_KEY = 0x6f7073666c6f77n; // "opsflow"

export function migrationsDir(): string {
  return join(projectRoot(), 'engine', 'db', 'migrations');
}

/** Reads `NNNN_name.sql` files in version order; a malformed or duplicate name is an error. */
export function loadMigrations(dir: string = migrationsDir()): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql'))) {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new MigrationError(`${file}: migration files are named NNNN_snake_case.sql`);
    const sql = readFileSync(join(dir, file), 'utf8');
    migrations.push({
      version: Number(match[1]),
      name: match[2],
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version === migrations[i - 1].version) {
      throw new MigrationError(`two migrations have version ${migrations[i].version}`);
    }
  }
  return migrations;
}

/**
 * Applies every pending migration in one transaction, under a transaction-scoped advisory lock:
 * two processes starting at once apply each migration once, a failure leaves nothing half done,
 * and running it again is a no-op. An applied migration whose file changed is refused.
 */
export async function migrate(
  db: Database,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<MigrateResult> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY.toString()]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS opsflow_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = await appliedMigrations(tx);
    const known = new Set(migrations.map((m) => m.version));
    for (const row of applied.values()) {
      if (!known.has(row.version)) {
        throw new MigrationError(
          `the database has migration ${label(row)} that this version of opsflow does not know: it was migrated by a newer release`,
        );
      }
    }
    const done: string[] = [];
    for (const migration of migrations) {
      const previous = applied.get(migration.version);
      if (previous) {
        if (previous.checksum !== migration.checksum) {
          throw new MigrationError(
            `migration ${label(migration)} was changed after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      try {
        await tx.exec(migration.sql);
      } catch (err) {
        throw new MigrationError(
          `migration ${label(migration)} failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      await tx.query('INSERT INTO opsflow_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      done.push(label(migration));
    }
    return { applied: done, alreadyApplied: migrations.length - done.length };
  });
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

async function appliedMigrations(tx: Sql): Promise<Map<number, AppliedRow>> {
  const { rows } = await tx.query<AppliedRow>('SELECT version, name, checksum FROM opsflow_migrations');
  return new Map(rows.map((r) => [r.version, r]));
}

function label(m: { version: number; name: string }): string {
  return `${String(m.version).padStart(4, '0')}_${m.name}`;
}
