import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RuleRegistry } from '../../engine/registry/registry';
import type { DeployPlan, RuleChange } from '../../engine/registry/records';
import { diagnosticsToJson, type DiagnosticJson } from '../../engine/rule-validation';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/role.decorator';
import type { Principal } from '../auth/roles';
import { RuleDiagnosticsError } from '../common/problems';
import { ApiRoute } from '../openapi/api-route.decorator';
import { RuleCompiler } from './rule-compiler.service';
import { RuleViews, type RuleView } from './rule-views.service';
import { readRuleFilesBody } from './rules.dto';
import {
  DeployBodySchema,
  DeploymentResultSchema,
  RuleDetailSchema,
  RuleListSchema,
  ValidateRulesBodySchema,
  ValidationResultSchema,
} from './rules.schemas';

/** A rule with the source of its current version. */
export interface RuleDetail extends RuleView {
  readonly sourcePath: string;
  readonly source: string;
}

/** The result of a deployment. */
export interface DeploymentResult {
  /** Null for a dry run. */
  readonly deploymentId: string | null;
  readonly dryRun: boolean;
  readonly plan: DeployPlan;
  readonly changes: readonly RuleChange[];
  /** Warnings; a rule set with errors is refused with 422. */
  readonly diagnostics: readonly DiagnosticJson[];
}

/** Rules as deployed (`viewer`), checks and deployments of rule sets (`editor`). */
@ApiTags('rules')
@Controller('v1')
export class RulesController {
  constructor(
    @Inject(RuleRegistry) private readonly registry: RuleRegistry,
    @Inject(RuleViews) private readonly views: RuleViews,
    @Inject(RuleCompiler) private readonly compiler: RuleCompiler,
  ) {}

  /**
   * Every rule ever deployed (removed ones marked) with its trigger, state (enabled, disabled,
   * paused), current version and when it last ran.
   */
  @Get('rules')
  @ApiRoute({
    access: 'viewer',
    summary: 'Every rule ever deployed (removed ones marked)',
    response: RuleListSchema,
  })
  async list(): Promise<{ rules: RuleView[] }> {
    return { rules: await this.views.views(await this.registry.list()) };
  }

  /** Compiles the files as one rule set and reports diagnostics; nothing is stored. */
  @Post('rules::validate')
  @HttpCode(200)
  @ApiRoute({
    access: 'editor',
    summary: 'Check a rule set; nothing is stored',
    response: ValidationResultSchema,
    errors: [400, 413, 415, 422],
  })
  @ApiBody({ type: ValidateRulesBodySchema })
  async validate(@Body() body: unknown): Promise<{ ok: boolean; diagnostics: readonly DiagnosticJson[] }> {
    // In a worker thread: other requests are answered while a large set compiles.
    const { diagnostics } = await this.compiler.compile(readRuleFilesBody(body, false).files);
    return {
      ok: !diagnostics.some((d) => d.severity === 'error'),
      diagnostics: diagnosticsToJson(diagnostics),
    };
  }

  /** One rule with the source text of its current version; 404 for an unknown name. */
  @Get('rules/:name')
  @ApiRoute({
    access: 'viewer',
    summary: 'A rule with the source of its current version',
    response: RuleDetailSchema,
    errors: [404],
  })
  async get(@Param('name') name: string): Promise<RuleDetail> {
    const rule = await this.registry.get(name);
    const [version, view] = await Promise.all([
      this.registry.version(name, rule.version),
      this.views.view(rule),
    ]);
    return { ...view, sourcePath: version.sourcePath, source: version.source };
  }

  /** Deploys a rule set: 201 with the new versions, or 422 with diagnostics (nothing changed). */
  @Post('deployments')
  @ApiRoute({
    access: 'editor',
    summary: 'Deploy a rule set',
    description:
      'A deployment is the whole set. A rule set with errors is refused (422 `rule-errors` with `diagnostics`); one that leaves out deployed rules is refused (409 `would-remove-rules`, listing them) unless `prune` is true. A rule whose content equals one of its earlier versions makes that version current again. `dryRun` answers the plan and changes nothing (200).',
    status: 201,
    response: DeploymentResultSchema,
    errors: [400, 409, 413, 415, 422],
  })
  @ApiBody({ type: DeployBodySchema })
  async deploy(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    // 201 for a deployment, 200 for a dry run (which creates nothing).
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeploymentResult> {
    const { files, message, prune, dryRun } = readRuleFilesBody(body, true);
    const compiled = await this.compiler.compile(files);
    const result = await this.registry.deploy(
      files,
      { author: principal.name, ...(message !== undefined ? { message } : {}) },
      {
        compiled,
        ...(prune !== undefined ? { prune } : {}),
        ...(dryRun !== undefined ? { dryRun } : {}),
      },
    );
    if (!result.ok) throw new RuleDiagnosticsError(diagnosticsToJson(result.diagnostics));
    if (result.dryRun) reply.status(200);
    return {
      deploymentId: result.deploymentId,
      dryRun: result.dryRun,
      plan: result.plan,
      changes: result.changes,
      diagnostics: diagnosticsToJson(result.diagnostics),
    };
  }
}
