import type { EnginePart, RunningPart } from '../engine/process/extension';
import { ensureAdminToken } from '../engine/process/admin-token';
import { createApiApp } from './create-api-app';

/**
 * The REST API as a process part (`opsflow start`, `opsflow api`): listens on `PORT` once the
 * worker runs, and closes (stops taking requests, finishes the ones in flight) on shutdown.
 */
export function apiPart(): EnginePart {
  return {
    name: 'api',
    async start(ctx): Promise<RunningPart> {
      // The same token the runtime printed: OPSFLOW_ADMIN_TOKEN, or the one kept in the data dir.
      const adminToken = ensureAdminToken(ctx.config).token;
      const app = await createApiApp({
        db: ctx.db,
        client: ctx.client,
        taskQueue: ctx.config.taskQueue,
        config: { ...ctx.config, adminToken },
        // The router of this process routes what was just stored at once.
        onEventsStored: () => ctx.eventsStored.notify(),
      });
      await app.listen({ port: ctx.config.port, host: '0.0.0.0' });
      const base = `http://localhost:${ctx.config.port}`;
      ctx.log(`API listening on ${base} (OpenAPI docs: ${base}/docs, console: ${base}/console)`);
      return { stop: () => app.close() };
    },
  };
}
