import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { createTwoFilesPatch } from 'diff';
import { RuleRegistry } from '../../engine/registry/registry';
import type { RuleVersion, RuleVersionSummary } from '../../engine/registry/records';
import { resumeRule } from '../../engine/router';
import { API_DEPS, type ApiDeps } from '../tokens';
import { PERMISSIONS } from '../auth/permissions';
import { RuleViews, type RuleView } from './rule-views.service';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/role.decorator';
import type { Principal } from '../auth/roles';
import { BodyReader } from '../common/body';
import { RuleNotFoundError } from '../../engine/errors';
import { InvalidQueryError, type FieldError } from '../common/problems';
import { ApiRoute } from '../openapi/api-route.decorator';
import {
  PauseBodySchema,
  ResumeBodySchema,
  ResumeResultSchema,
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

/** What a resume did besides switching the rule. */
export interface ResumeResult extends RuleView {
  /** Held triggers routed, in order. */
  readonly released: number;
  /** Held triggers dropped (`drop`, or the rule is disabled). */
  readonly dropped: number;
}

/**
 * A rule's history (`viewer`), the editor's switches on it (rollback, enable, disable) and the
 * operator's pause and resume.
 */
@ApiTags('rules')
@Controller('v1/rules/:name')
export class RuleHistoryController {
  constructor(
    @Inject(RuleRegistry) private readonly registry: RuleRegistry,
    @Inject(RuleViews) private readonly views: RuleViews,
    @Inject(API_DEPS) private readonly deps: ApiDeps,
    @Inject(Client) private readonly client: Client,
  ) {}

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
  @ApiQuery({ name: 'from', required: true, schema: { type: 'integer', minimum: 1, maximum: 2147483647 } })
  @ApiQuery({ name: 'to', required: true, schema: { type: 'integer', minimum: 1, maximum: 2147483647 } })
  async diff(
    @Param('name') name: string,
    @Query('from') fromText: string | undefined,
    @Query('to') toText: string | undefined,
  ): Promise<RuleDiff> {
    const errors: FieldError[] = [];
    const from = versionNumber('from', fromText, false, errors);
    const to = versionNumber('to', toText, false, errors);
    if (errors.length > 0) throw new InvalidQueryError(errors);
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
  async rollback(
    @Param('name') name: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RuleView> {
    const reader = new BodyReader(body, ['version', 'message']);
    const version = reader.fields.version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      reader.errors.push({ path: 'version', message: 'required: a version number (1 or more)' });
    }
    const message = reader.optionalText('message', reader.fields.message);
    reader.done();
    // Past the int4 column no version exists: a 404, not an error of the database.
    if ((version as number) > MAX_VERSION) throw new RuleNotFoundError(name, version as number);
    return this.views.view(await this.registry.rollback(name, version as number, meta(principal, message)));
  }

  /** Switches the rule on (recorded in the audit). */
  @Post('enable')
  @HttpCode(200)
  @ApiRoute({ access: 'editor', summary: 'Switch the rule on', response: RuleSummarySchema, errors: [404] })
  async enable(@Param('name') name: string, @CurrentPrincipal() principal: Principal): Promise<RuleView> {
    return this.views.view(await this.registry.setEnabled(name, true, meta(principal)));
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
  async disable(@Param('name') name: string, @CurrentPrincipal() principal: Principal): Promise<RuleView> {
    return this.views.view(await this.registry.setEnabled(name, false, meta(principal)));
  }

  /**
   * `{message?}`: holds the rule's triggers instead of running them (each stored event gets the
   * outcome `paused`) until it is resumed; runs in flight go on. Unlike disable, nothing is lost.
   * An `every` rule's schedule is paused too (its ticks are skipped, not held). Audited.
   */
  @Post('pause')
  @HttpCode(200)
  @ApiRoute({
    access: PERMISSIONS['rules.pause'],
    summary: 'Pause the rule: triggers are held until it is resumed',
    response: RuleSummarySchema,
    errors: [400, 404, 415, 422],
  })
  @ApiBody({ type: PauseBodySchema, required: false })
  async pause(
    @Param('name') name: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RuleView> {
    const reader = new BodyReader(body, ['message'], true);
    const message = reader.optionalText('message', reader.fields.message);
    reader.done();
    return this.views.view(await this.registry.setPaused(name, true, meta(principal, message)));
  }

  /**
   * `{drop?, message?}`: routes the held triggers in the order they were stored (or drops them
   * with `drop: true`), then runs the rule's triggers again. Audited with the counts.
   */
  @Post('resume')
  @HttpCode(200)
  @ApiRoute({
    access: PERMISSIONS['rules.pause'],
    summary: 'Resume the rule: its held triggers are routed in order, or dropped',
    response: ResumeResultSchema,
    errors: [400, 404, 415, 422],
  })
  @ApiBody({ type: ResumeBodySchema, required: false })
  async resume(
    @Param('name') name: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ResumeResult> {
    const reader = new BodyReader(body, ['drop', 'message'], true);
    const drop = reader.fields.drop;
    if (drop !== undefined && typeof drop !== 'boolean') {
      reader.errors.push({ path: 'drop', message: 'expected true or false' });
    }
    const message = reader.optionalText('message', reader.fields.message);
    reader.done();
    const result = await resumeRule(
      {
        db: this.deps.db,
        client: this.client,
        taskQueue: this.deps.taskQueue,
        replaceGraceMs: 10_000,
        registry: this.registry,
      },
      name,
      { drop: drop === true, meta: meta(principal, message) },
    );
    return { ...(await this.views.view(result.rule)), released: result.released, dropped: result.dropped };
  }
}

function meta(principal: Principal, message?: string): { author: string; message?: string } {
  return message === undefined ? { author: principal.name } : { author: principal.name, message };
}

/**
 * A version number from the path or the query. In the path (`inPath`) a malformed one names
 * nothing, so it is a 404 like an unknown one; in the query it is a 422 naming the parameter.
 */
/** The largest version number the registry can hold (an int4 column). */
const MAX_VERSION = 2_147_483_647;

function versionNumber(name: string, text: string | undefined, inPath: true): number;
function versionNumber(name: string, text: string | undefined, inPath: false, errors: FieldError[]): number;
function versionNumber(
  name: string,
  text: string | undefined,
  inPath: boolean,
  errors?: FieldError[],
): number {
  // A well-formed number past any version (the column is an int4) names none: 0, then a 404.
  if (text !== undefined && /^[1-9][0-9]*$/.test(text)) return Number(text) <= MAX_VERSION ? Number(text) : 0;
  if (inPath) return 0;
  errors?.push({ path: name, message: 'required: a version number (1 or more)' });
  return 0;
}
