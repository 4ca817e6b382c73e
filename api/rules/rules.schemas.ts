import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_RULE_FILES } from './rules.dto';
import { ANY_OBJECT, Nullable, OptionalText, Text, Timestamp } from '../openapi/schema-helpers';
import { SourceRefSchema } from '../openapi/source-ref.schema';

/** One rule file. */
export class RuleFileSchema {
  @Text(500, {
    example: 'orders.rule',
    description:
      'Unique in the request; `.rule`, `.rule.yaml`, `.connector.yaml` and `.test.yaml` files are read, others ignored.',
  })
  path!: string;

  @ApiProperty({ description: 'The file’s text (`.rule` or `.rule.yaml`).' })
  content!: string;
}

/** `POST /v1/rules:validate`. */
export class ValidateRulesBodySchema {
  @ApiProperty({
    type: [RuleFileSchema],
    minItems: 1,
    maxItems: MAX_RULE_FILES,
    uniqueItems: true,
    description: 'Each path once (a file given twice with the same content counts once).',
  })
  files!: RuleFileSchema[];
}

/** `POST /v1/deployments`. */
export class DeployBodySchema extends ValidateRulesBodySchema {
  @OptionalText(2000, { description: 'Recorded with the deployment and in the audit.' })
  message?: string;

  @ApiPropertyOptional({
    description:
      'Remove the deployed rules the set leaves out. Without it, such a deployment is refused (409 `would-remove-rules`).',
    default: false,
  })
  prune?: boolean;

  @ApiPropertyOptional({ description: 'Answer the plan (200) and change nothing.', default: false })
  dryRun?: boolean;
}

/** What a deployment does (or, dry, would do) to each rule, by kind; each list sorted by name. */
export class DeployPlanSchema {
  @ApiProperty({ type: [String] })
  added!: string[];

  @ApiProperty({
    type: [String],
    description: 'A new version, or an earlier version with the same content made current.',
  })
  changed!: string[];

  @ApiProperty({ type: [String], description: 'With `prune` only (a dry run lists them either way).' })
  removed!: string[];

  @ApiProperty({ type: [String], description: 'Removed before, back in the set.' })
  restored!: string[];

  @ApiProperty({ type: [String] })
  unchanged!: string[];
}

/** A compiler diagnostic. */
export class DiagnosticSchema extends SourceRefSchema {
  @ApiProperty({ type: 'integer' })
  endLine!: number;

  @ApiProperty({ type: 'integer' })
  endColumn!: number;

  @ApiProperty({ enum: ['error', 'warning'] })
  severity!: string;

  @ApiProperty({ description: 'A stable code.' })
  code!: string;

  @ApiProperty()
  message!: string;
}

/** What a validation found. */
export class ValidationResultSchema {
  @ApiProperty({ description: 'No errors (warnings allowed).' })
  ok!: boolean;

  @ApiProperty({ type: [DiagnosticSchema] })
  diagnostics!: DiagnosticSchema[];
}

/** How one rule fared in a change. */
export class RuleChangeSchema {
  @ApiProperty()
  rule!: string;

  @ApiProperty({
    enum: [
      'added',
      'changed',
      'unchanged',
      'removed',
      'restored',
      'rolled_back',
      'enabled',
      'disabled',
      'paused',
      'resumed',
    ],
  })
  change!: string;

  @ApiProperty({ type: 'integer', description: 'The rule’s current version after the change.' })
  version!: number;
}

/** The result of a deployment. */
export class DeploymentResultSchema {
  @Nullable('string', 'Null for a dry run.')
  deploymentId!: string | null;

  @ApiProperty()
  dryRun!: boolean;

  @ApiProperty({ type: DeployPlanSchema })
  plan!: DeployPlanSchema;

  @ApiProperty({ type: [RuleChangeSchema] })
  changes!: RuleChangeSchema[];

  @ApiProperty({ type: [DiagnosticSchema], description: 'Warnings only: errors refuse the deployment.' })
  diagnostics!: DiagnosticSchema[];
}

/** A rule as listed. */
export class RuleSummarySchema {
  @ApiProperty()
  name!: string;

  @Nullable('string')
  description!: string | null;

  @ApiProperty({ type: 'integer' })
  version!: number;

  @ApiProperty()
  hash!: string;

  @ApiProperty({
    ...ANY_OBJECT,
    description:
      '`{kind: "on", event}`, `{kind: "every", every, intervalMs, cron, timezone}` or `{kind: "manual", inputs: [{name, type, optional}]}`.',
  })
  trigger!: Record<string, unknown>;

  @ApiProperty({
    enum: ['enabled', 'disabled', 'paused'],
    description: 'What happens to a trigger: it runs, it is dropped (disabled), it is held (paused).',
  })
  state!: string;

  @ApiProperty({ description: 'The operator’s switch.' })
  enabled!: boolean;

  @ApiProperty({ description: '`disabled` in the source: the rule does not run whatever the switch.' })
  disabledInSource!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it was paused.' })
  pausedAt!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When its latest run started.',
  })
  lastRunAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  removedAt!: string | null;

  @Timestamp()
  updatedAt!: string;
}

/** `GET /v1/rules`. */
export class RuleListSchema {
  @ApiProperty({ type: [RuleSummarySchema] })
  rules!: RuleSummarySchema[];
}

/** A rule with the source of its current version. */
export class RuleDetailSchema extends RuleSummarySchema {
  @ApiProperty()
  sourcePath!: string;

  @ApiProperty()
  source!: string;
}

/** One version of a rule. */
export class RuleVersionSummarySchema {
  @ApiProperty()
  rule!: string;

  @ApiProperty({ type: 'integer' })
  version!: number;

  @ApiProperty()
  hash!: string;

  @ApiProperty()
  author!: string;

  @ApiProperty()
  message!: string;

  @ApiProperty()
  deploymentId!: string;

  @Timestamp()
  createdAt!: string;

  @ApiProperty()
  current!: boolean;
}

/** `GET /v1/rules/{name}/versions`. */
export class RuleVersionListSchema {
  @ApiProperty({ type: [RuleVersionSummarySchema] })
  versions!: RuleVersionSummarySchema[];
}

/** One version in full. */
export class RuleVersionSchema extends RuleVersionSummarySchema {
  @ApiProperty()
  sourcePath!: string;

  @ApiProperty()
  source!: string;

  @ApiProperty({ ...ANY_OBJECT, description: 'The compiled rule (versioned by `irVersion`).' })
  ir!: Record<string, unknown>;
}

/** A diff of two versions. */
export class RuleDiffSchema {
  @ApiProperty()
  rule!: string;

  @ApiProperty({ type: 'integer' })
  from!: number;

  @ApiProperty({ type: 'integer' })
  to!: number;

  @ApiProperty({ description: 'A unified diff (`diff -u`) of the two sources.' })
  diff!: string;
}

/** `POST /v1/rules/{name}/rollback`. */
export class RollbackBodySchema {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 2147483647 })
  version!: number;

  @OptionalText(2000)
  message?: string;
}

/** `POST /v1/rules/{name}/pause`. */
export class PauseBodySchema {
  @ApiPropertyOptional({ description: 'Recorded in the audit.' })
  message?: string;
}

/** `POST /v1/rules/{name}/resume`. */
export class ResumeBodySchema {
  @ApiPropertyOptional({ default: false, description: 'Drop the held triggers instead of routing them.' })
  drop?: boolean;

  @ApiPropertyOptional({ description: 'Recorded in the audit.' })
  message?: string;
}

/** The rule after a resume, and what became of its held triggers. */
export class ResumeResultSchema extends RuleSummarySchema {
  @ApiProperty({ type: 'integer', description: 'Held triggers routed, in the order they were stored.' })
  released!: number;

  @ApiProperty({ type: 'integer', description: 'Held triggers dropped.' })
  dropped!: number;
}
