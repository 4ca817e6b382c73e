import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { PERMISSIONS } from '../auth/permissions';
import { ApiRoute } from '../openapi/api-route.decorator';
import { OverviewSchema } from './overview.schemas';
import { MAX_OVERVIEW_HOURS, OverviewService, type Overview } from './overview.service';

/** What is going on: runs by state per rule, pending approvals. */
@ApiTags('overview')
@Controller('v1/overview')
export class OverviewController {
  constructor(@Inject(OverviewService) private readonly overview: OverviewService) {}

  /**
   * `?hours=` (1 to 720, default 24): per rule, the runs going on now and those that ended in
   * the window by how they ended, failing rules first; and how many approvals wait.
   */
  @Get()
  @ApiRoute({
    access: PERMISSIONS['runs.read'],
    summary: 'Runs by state per rule over a window, failing rules first',
    response: OverviewSchema,
    errors: [422],
  })
  @ApiQuery({
    name: 'hours',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_OVERVIEW_HOURS, default: 24 },
  })
  get(@Query('hours') hours: string | undefined): Promise<Overview> {
    return this.overview.overview(hours);
  }
}
