import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { PERMISSIONS } from '../auth/permissions';
import { CurrentPrincipal } from '../auth/role.decorator';
import type { Principal } from '../auth/roles';
import { ApiRoute } from '../openapi/api-route.decorator';
import { ApprovalListSchema } from './approvals.schemas';
import { ApprovalsService, MAX_APPROVAL_PAGE, type ApprovalView } from './approvals.service';

/** The approvals inbox. */
@ApiTags('approvals')
@Controller('v1/approvals')
export class ApprovalsController {
  constructor(@Inject(ApprovalsService) private readonly approvals: ApprovalsService) {}

  /**
   * `?limit=&cursor=`: the approvals runs wait for, oldest first, with who may decide each and
   * whether the caller may (decide with `POST /v1/runs/{runId}/approve`).
   */
  @Get()
  @ApiRoute({
    access: PERMISSIONS['approvals.read'],
    summary: 'The approvals runs are waiting for, oldest first',
    response: ApprovalListSchema,
    errors: [404, 422],
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_APPROVAL_PAGE, default: 50 },
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    type: String,
    description: 'The `nextCursor` of a page (empty: the first page; unknown: 404).',
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: { limit?: string; cursor?: string },
  ): Promise<{ approvals: ApprovalView[]; nextCursor: string | null }> {
    return this.approvals.list(principal, query);
  }
}
