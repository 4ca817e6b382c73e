import { Body, Controller, Inject, Param, Post } from '@nestjs/common';
import { ActiveRuleCache } from '../../engine/registry/active-rules';
import { startManualRun, type ManualRunRequest } from '../../engine/router/manual';
import { CurrentPrincipal, RequireRole } from '../auth/role.decorator';
import type { Principal } from '../auth/roles';
import { BodyReader, asRecord } from '../common/body';
import { API_DEPS, type ApiDeps } from '../tokens';

/** A run just started. */
export interface StartedRun {
  readonly runId: string;
  readonly workflowId: string;
  readonly version: number;
}

/** Manual runs (`operator`). */
@Controller('v1/rules/:name/runs')
export class RunsController {
  constructor(
    @Inject(API_DEPS) private readonly deps: ApiDeps,
    @Inject(ActiveRuleCache) private readonly rules: ActiveRuleCache,
  ) {}

  /**
   * Starts the current version of a rule by hand: `{input}` for `manual(...)` rules, `{event}`
   * for event rules, nothing for scheduled ones. 201, 404 for an unknown rule, 422 on wrong
   * input, 409 for a disabled rule.
   */
  @Post()
  @RequireRole('operator')
  async start(
    @Param('name') name: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StartedRun> {
    const reader = new BodyReader(body, ['input', 'event'], true);
    const { input, event } = reader.fields;
    if (event !== undefined && !asRecord(event)) {
      reader.errors.push({ path: 'event', message: 'expected { data, id?, time? }' });
    }
    reader.done();
    const started = await startManualRun(
      { db: this.deps.db, client: this.deps.client, taskQueue: this.deps.taskQueue, rules: this.rules },
      {
        rule: name,
        ...(input !== undefined ? { input } : {}),
        // Its fields are checked by startManualRun, against the schema of the rule's trigger.
        ...(event !== undefined ? { event: event as ManualRunRequest['event'] } : {}),
        by: principal.name,
      },
    );
    return { runId: started.runId, workflowId: started.workflowId, version: started.version };
  }
}
