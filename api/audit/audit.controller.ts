import { Controller, Get, Inject, Query } from '@nestjs/common';
import { RuleRegistry } from '../../engine/registry/registry';
import type { AuditEntry } from '../../engine/registry/records';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../openapi/api-route.decorator';
import { InvalidQueryError } from '../common/problems';
import { AuditListSchema } from './audit.schemas';

/** The audit trail (`admin`): deploys, rollbacks, switches, approvals and cancellations, with who. */
@ApiTags('audit')
@Controller('v1/audit')
export class AuditController {
  constructor(@Inject(RuleRegistry) private readonly registry: RuleRegistry) {}

  /** `?rule=&limit=` (1 to 1000, default 100): the latest entries, newest first. */
  @Get()
  @ApiRoute({
    access: 'admin',
    summary: 'The latest audit entries, newest first',
    response: AuditListSchema,
    errors: [422],
  })
  @ApiQuery({ name: 'rule', required: false, type: String, description: 'Only this rule’s entries.' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  })
  async list(
    @Query('rule') rule: string | undefined,
    @Query('limit') limitText: string | undefined,
  ): Promise<{ entries: AuditEntry[] }> {
    const limit = limitText === undefined ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new InvalidQueryError([{ path: 'limit', message: 'expected a whole number from 1 to 1000' }]);
    }
    return { entries: await this.registry.audit(rule, limit) };
  }
}
