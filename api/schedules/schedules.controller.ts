import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Client, ScheduleNotFoundError } from '@temporalio/client';
import {
  backfillSchedule,
  describeSchedule,
  listSchedules,
  pauseSchedule,
  triggerSchedule,
  unpauseSchedule,
  type ScheduleView,
} from '../../engine/schedules/operations';
import { AuditLog } from '../audit/audit-log.service';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/role.decorator';
import type { Principal } from '../auth/roles';
import { BodyReader } from '../common/body';
import { NotFoundProblem } from '../common/problems';
import { ApiRoute } from '../openapi/api-route.decorator';
import { BackfillBodySchema, ScheduleListSchema, ScheduleViewSchema } from './schedules.schemas';

/**
 * The schedules of scheduled rules (`operator`): listed, paused, unpaused, run now, backfilled.
 * Every action that succeeds is recorded in the audit (`schedule_paused`, …) with the caller.
 */
@ApiTags('schedules')
@Controller('v1/schedules')
export class SchedulesController {
  constructor(
    @Inject(Client) private readonly client: Client,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  /** Every rule's schedule. */
  @Get()
  @ApiRoute({ access: 'operator', summary: 'Every rule’s schedule', response: ScheduleListSchema })
  async list(): Promise<{ schedules: ScheduleView[] }> {
    return { schedules: await listSchedules(this.client) };
  }

  /** Pauses the schedule (the note names the caller); 404 for a rule without one. */
  @Post(':rule/pause')
  @HttpCode(200)
  @ApiRoute({
    access: 'operator',
    summary: 'Pause a schedule (audited)',
    response: ScheduleViewSchema,
    errors: [404],
  })
  pause(@Param('rule') rule: string, @CurrentPrincipal() principal: Principal): Promise<ScheduleView> {
    return this.act(principal, rule, 'pause', () =>
      pauseSchedule(this.client, rule, `paused by ${principal.name}`),
    );
  }

  /** Unpauses the schedule. */
  @Post(':rule/unpause')
  @HttpCode(200)
  @ApiRoute({
    access: 'operator',
    summary: 'Unpause a schedule (audited)',
    response: ScheduleViewSchema,
    errors: [404],
  })
  unpause(@Param('rule') rule: string, @CurrentPrincipal() principal: Principal): Promise<ScheduleView> {
    return this.act(principal, rule, 'unpause', () =>
      unpauseSchedule(this.client, rule, `unpaused by ${principal.name}`),
    );
  }

  /** Starts a run of the scheduled version now. */
  @Post(':rule/trigger')
  @HttpCode(200)
  @ApiRoute({
    access: 'operator',
    summary: 'Start a run of the scheduled version now (audited)',
    response: ScheduleViewSchema,
    errors: [404],
  })
  trigger(@Param('rule') rule: string, @CurrentPrincipal() principal: Principal): Promise<ScheduleView> {
    return this.act(principal, rule, 'trigger', () => triggerSchedule(this.client, rule));
  }

  /** `{from, to}` (ISO-8601): takes the ticks of that interval now. */
  @Post(':rule/backfill')
  @HttpCode(200)
  @ApiRoute({
    access: 'operator',
    summary: 'Take the ticks of an interval now (audited)',
    response: ScheduleViewSchema,
    errors: [400, 404, 415, 422],
  })
  @ApiBody({ type: BackfillBodySchema })
  backfill(
    @Param('rule') rule: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ScheduleView> {
    const reader = new BodyReader(body, ['from', 'to']);
    const given = [time(reader, 'from'), time(reader, 'to')];
    reader.done();
    // The ticks between two times: the same whichever is given first (equal times: a tick then).
    const [from, to] = (given as Date[]).sort((a, b) => a.getTime() - b.getTime());
    const interval = { from: from.toISOString(), to: to.toISOString() };
    return this.act(
      principal,
      rule,
      'backfill',
      () => backfillSchedule(this.client, rule, from, to),
      interval,
    );
  }

  /** Runs one action on the rule's schedule, then records it (an action refused is not). */
  private async act(
    principal: Principal,
    rule: string,
    verb: 'pause' | 'unpause' | 'trigger' | 'backfill',
    action: () => Promise<void>,
    detail: Readonly<Record<string, unknown>> = {},
  ): Promise<ScheduleView> {
    let view: ScheduleView;
    try {
      await action();
      view = await describeSchedule(this.client, rule);
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) throw new NotFoundProblem(`rule ${rule} has no schedule`);
      throw err;
    }
    await this.audit.record(principal, {
      action: AUDIT_ACTIONS[verb],
      rule,
      version: view.version,
      detail: { scheduleId: view.scheduleId, ...detail },
    });
    return view;
  }
}

/** The audit action of each verb, in the past tense like the rule and run actions. */
const AUDIT_ACTIONS = {
  pause: 'schedule_paused',
  unpause: 'schedule_unpaused',
  trigger: 'schedule_triggered',
  backfill: 'schedule_backfilled',
} as const;

function time(reader: BodyReader, path: string): Date | undefined {
  const text = reader.text(path, reader.fields[path], 100);
  if (text === undefined) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    reader.errors.push({ path, message: 'expected an ISO-8601 time' });
    return undefined;
  }
  return date;
}
