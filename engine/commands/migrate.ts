import type { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { loadConfig } from '../config';
import { migrate } from '../db/migrate';
import { openDatabase } from '../db/open-database';

/**
 * `opsflow migrate`: apply pending database migrations to DATABASE_URL, or to the embedded
 * database in `$OPSFLOW_DATA_DIR/pg` (safe to run twice, or from two hosts at once).
 */
export function registerMigrate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('migrate')
    .description('apply pending database migrations (DATABASE_URL, or the embedded database)')
    .action(async () => {
      const config = loadConfig(process.env, { cwd: io.cwd, role: 'migrate' });
      const db = await openDatabase(config, 1);
      try {
        const result = await migrate(db);
        for (const name of result.applied) io.stdout.write(`applied ${name}\n`);
        io.stdout.write(
          result.applied.length === 0
            ? 'database is up to date\n'
            : `${result.applied.length} migration(s) applied\n`,
        );
        setExit(0);
      } finally {
        await db.close();
      }
    });
}
