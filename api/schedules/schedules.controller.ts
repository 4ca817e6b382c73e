import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ScheduleNotFoundError } from '@temporalio/client';
import {
  backfillSchedule,
  describeSchedule,
  listSchedules,
  pauseSchedule,
  triggerSchedule,
  unpauseSchedule,
  type ScheduleView,
} from '../../engine/schedules/operations';
import { CurrentPrincipal, RequireRole } from '../auth/role.decorator';
import type { Principal } from '../auth/roles';
import { BodyReader } from '../common/body';
import { NotFoundProblem } from '../common/problems';
import { API_DEPS, type ApiDeps } from '../tokens';

/** The schedules of scheduled rules (`operator`): listed, paused, unpaused, run now, backfilled. */
@Controller('v1/schedules')
@RequireRole('operator')
export class SchedulesController {
  constructor(@Inject(API_DEPS) private readonly deps: ApiDeps) {}

  /** Every rule's schedule. */
  @Get()
  async list(): Promise<{ schedules: ScheduleView[] }> {
    return { schedules: await listSchedules(this.deps.client) };
  }

  /** Pauses the schedule (the note names the caller); 404 for a rule without one. */
  @Post(':rule/pause')
  @HttpCode(200)
  pause(@Param('rule') rule: string, @CurrentPrincipal() principal: Principal): Promise<ScheduleView> {
    return this.act(rule, () => pauseSchedule(this.deps.client, rule, `paused by ${principal.name}`));
  }

  /** Unpauses the schedule. */
  @Post(':rule/unpause')
  @HttpCode(200)
  unpause(@Param('rule') rule: string, @CurrentPrincipal() principal: Principal): Promise<ScheduleView> {
    return this.act(rule, () => unpauseSchedule(this.deps.client, rule, `unpaused by ${principal.name}`));
  }

  /** Starts a run of the scheduled version now. */
  @Post(':rule/trigger')
  @HttpCode(200)
  trigger(@Param('rule') rule: string): Promise<ScheduleView> {
    return this.act(rule, () => triggerSchedule(this.deps.client, rule));
  }

  /** `{from, to}` (ISO-8601): takes the ticks of that interval now. */
  @Post(':rule/backfill')
  @HttpCode(200)
  backfill(@Param('rule') rule: string, @Body() body: unknown): Promise<ScheduleView> {
    const reader = new BodyReader(body, ['from', 'to']);
    const from = time(reader, 'from');
    const to = time(reader, 'to');
    if (from && to && from.getTime() >= to.getTime()) {
      reader.errors.push({ path: 'to', message: 'must be after from' });
    }
    reader.done();
    return this.act(rule, () => backfillSchedule(this.deps.client, rule, from as Date, to as Date));
  }

  private async act(rule: string, action: () => Promise<void>): Promise<ScheduleView> {
    try {
      await action();
      return await describeSchedule(this.deps.client, rule);
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) throw new NotFoundProblem(`rule ${rule} has no schedule`);
      throw err;
    }
  }
}

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
