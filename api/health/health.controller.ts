import { Controller, Get, Inject } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../openapi/api-route.decorator';
import { ProblemError } from '../common/problems';
import { API_DEPS, type ApiDeps } from '../tokens';
import { HealthSchema, ReadySchema } from './health.schemas';

/** How long `/readyz` waits for each dependency. */
const CHECK_TIMEOUT_MS = 3000;

/** Liveness (no auth) and readiness (the database and Temporal answer). */
@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    @Inject(API_DEPS) private readonly deps: ApiDeps,
    @Inject(Client) private readonly client: Client,
  ) {}

  /** The process serves HTTP. */
  @Get('healthz')
  @ApiRoute({ access: 'public', summary: 'Liveness: the process serves HTTP', response: HealthSchema })
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * 200 when PostgreSQL and Temporal answer, 503 (problem+json with `checks`) otherwise. Open
   * like `/healthz` (probes carry no token), so it names no error messages, only the outcome.
   */
  @Get('readyz')
  @ApiRoute({
    access: 'public',
    summary: 'Readiness: PostgreSQL and Temporal answer',
    response: ReadySchema,
    errors: [503],
  })
  async readyz(): Promise<{ status: 'ready'; checks: Record<string, string> }> {
    const [database, temporal] = await Promise.all([
      check(() => this.deps.db.query('SELECT 1')),
      check(() => this.client.workflowService.getSystemInfo({})),
    ]);
    const checks = { database, temporal };
    if (database !== 'ok' || temporal !== 'ok') {
      throw new ProblemError(503, 'not-ready', 'Not ready', 'a dependency does not answer', { checks });
    }
    return { status: 'ready', checks };
  }
}

async function check(probe: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      probe().then(
        () => 'ok',
        () => 'unreachable',
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
