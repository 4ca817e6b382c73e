import type { Command } from 'commander';
import type { CliIo } from '../cli';
import { ConfigError } from '../errors';
import { migrate } from '../db/migrate';
import { pgDatabase } from '../db/sql';

/** `opsflow migrate`: apply pending database migrations (safe to run twice, or from two hosts). */
export function registerMigrate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('migrate')
    .description('apply pending database migrations to DATABASE_URL')
    .action(async () => {
      const url = process.env.DATABASE_URL;
      if (!url) throw new ConfigError('DATABASE_URL is not set (postgres://user:password@host:5432/db)');
      const db = pgDatabase(url, { max: 1 });
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
