import { pgDatabase } from './sql';
import { testDatabaseUrl } from './testing/test-database';

describe('pgDatabase transactions', () => {
  it('survives the connection dying between two statements and reconnects afterwards', async () => {
    const db = pgDatabase(testDatabaseUrl(), { max: 2 });
    const admin = pgDatabase(testDatabaseUrl(), { max: 1 });
    try {
      const failed = db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // The server ends this connection while no statement runs on it (as a restart does):
        // pg-pool no longer listens for the checked-out client's 'error' event at that point.
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await tx.query('SELECT 1');
      });
      await expect(failed).rejects.toThrow();
      // The broken client was destroyed, not returned: the pool serves working connections.
      for (let i = 0; i < 3; i++) {
        await expect(db.transaction((tx) => tx.query('SELECT 1 AS one'))).resolves.toMatchObject({
          rows: [{ one: 1 }],
        });
      }
    } finally {
      await db.close();
      await admin.close();
    }
  });
});
