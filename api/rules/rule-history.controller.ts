import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { createTwoFilesPatch } from 'diff';
import { RuleRegistry } from '../../engine/registry/registry';
import type { RuleSummary, RuleVersion, RuleVersionSummary } from '../../engine/registry/records';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/role.decorator';
import type { Principal } from '../auth/roles';
import { BodyReader } from '../common/body';
import { InvalidBodyError, type FieldError } from '../common/problems';
import { ApiRoute } from '../openapi/api-route.decorator';
import {
  RollbackBodySchema,
  RuleDiffSchema,
  RuleSummarySchema,
  RuleVersionListSchema,
  RuleVersionSchema,
} from './rules.schemas';

/** A unified diff between two versions of one rule. */
export interface RuleDiff {
  readonly rule: string;
  readonly from: number;
  readonly to: number;
  /** `diff -u` of the two versions' source files (empty hunks when they are the same). */
  readonly diff: string;
}

/** A rule's history (`viewer`) and the editor's switches on it: rollback, enable, disable (`editor`). */
@ApiTags('rules')
@Controller('v1/rules/:name')
export class RuleHistoryController {
  constructor(@Inject(RuleRegistry) private readonly registry: RuleRegistry) {}

  /** Every version of a rule, newest first; 404 for an unknown rule. */
  @Get('versions')
  @ApiRoute({
    access: 'viewer',
    summary: 'Every version of a rule, newest first',
    response: RuleVersionListSchema,
    errors: [404],
  })
  async versions(@Param('name') name: string): Promise<{ versions: RuleVersionSummary[] }> {
    return { versions: await this.registry.versions(name) };
  }

  /** One version with its source and IR; 404 for an unknown rule or version. */
  @Get('versions/:v')
  @ApiRoute({
    access: 'viewer',
    summary: 'One version with its source and IR',
    response: RuleVersionSchema,
    errors: [404],
  })
  version(@Param('name') name: string, @Param('v') v: string): Promise<RuleVersion> {
    return this.registry.version(name, versionNumber('v', v, true));
  }

  /** `?from=&to=`: a unified diff of the two versions' source; 404 when either does not exist. */
  @Get('diff')
  @ApiRoute({
    access: 'viewer',
    summary: 'A unified diff of two versions’ source',
    response: RuleDiffSchema,
    errors: [404, 422],
  })
  @ApiQuery({ name: 'from', required: true, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({ name: 'to', required: true, schema: { type: 'integer', minimum: 1 } })
  async diff(
    @Param('name') name: string,
    @Query('from') fromText: string | undefined,
    @Query('to') toText: string | undefined,
  ): Promise<RuleDiff> {
    const errors: FieldError[] = [];
    const from = versionNumber('from', fromText, false, errors);
    const to = versionNumber('to', toText, false, errors);
    if (errors.length > 0) throw new InvalidBodyError(errors);
    const [a, b] = await Promise.all([this.registry.version(name, from), this.registry.version(name, to)]);
    const diff = createTwoFilesPatch(
      `${a.sourcePath}@v${a.version}`,
      `${b.sourcePath}@v${b.version}`,
      a.source,
      b.source,
      a.createdAt,
      b.createdAt,
    );
    return { rule: name, from, to, diff };
  }

  /** `{version}`: makes an earlier version current again; recorded with the caller as author. */
  @Post('rollback')
  @HttpCode(200)
  @ApiRoute({
    access: 'editor',
    summary: 'Make an earlier version current again',
    response: RuleSummarySchema,
    errors: [400, 404, 415, 422],
  })
  @ApiBody({ type: RollbackBodySchema })
  rollback(
    @Param('name') name: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RuleSummary> {
    const reader = new BodyReader(body, ['version', 'message']);
    const version = reader.fields.version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      reader.errors.push({ path: 'version', message: 'required: a version number (1 or more)' });
    }
    const message = reader.optionalText('message', reader.fields.message);
    reader.done();
    return this.registry.rollback(name, version as number, meta(principal, message));
  }

  /** Switches the rule on (recorded in the audit). */
  @Post('enable')
  @HttpCode(200)
  @ApiRoute({ access: 'editor', summary: 'Switch the rule on', response: RuleSummarySchema, errors: [404] })
  enable(@Param('name') name: string, @CurrentPrincipal() principal: Principal): Promise<RuleSummary> {
    return this.registry.setEnabled(name, true, meta(principal));
  }

  /** Switches the rule off: no new runs start; runs in flight go on (recorded in the audit). */
  @Post('disable')
  @HttpCode(200)
  @ApiRoute({
    access: 'editor',
    summary: 'Switch the rule off (runs in flight go on)',
    response: RuleSummarySchema,
    errors: [404],
  })
  disable(@Param('name') name: string, @CurrentPrincipal() principal: Principal): Promise<RuleSummary> {
    return this.registry.setEnabled(name, false, meta(principal));
  }
}

function meta(principal: Principal, message?: string): { author: string; message?: string } {
  return message === undefined ? { author: principal.name } : { author: principal.name, message };
}

/**
 * A version number from the path or the query. In the path (`inPath`) a malformed one names
 * nothing, so it is a 404 like an unknown one; in the query it is a 422 naming the parameter.
 */
function versionNumber(name: string, text: string | undefined, inPath: true): number;
function versionNumber(name: string, text: string | undefined, inPath: false, errors: FieldError[]): number;
function versionNumber(
  name: string,
  text: string | undefined,
  inPath: boolean,
  errors?: FieldError[],
): number {
  const n = text !== undefined && /^[1-9][0-9]{0,8}$/.test(text) ? Number(text) : undefined;
  if (n !== undefined) return n;
  if (inPath) return 0;
  errors?.push({ path: name, message: 'required: a version number (1 or more)' });
  return 0;
}
