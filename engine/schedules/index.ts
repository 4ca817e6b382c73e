/** Temporal Schedules for `every` rules, kept in step with the registry. */
export { syncSchedules, type SyncReport, type SyncSchedulesOptions } from './sync';
export { ScheduleSyncer, schedulesPart, type ScheduleSyncerOptions } from './schedule-part';
export {
  backfillSchedule,
  describeSchedule,
  listSchedules,
  pauseSchedule,
  triggerSchedule,
  unpauseSchedule,
  type ScheduleView,
} from './operations';
export {
  SCHEDULE_CATCHUP_WINDOW_MS,
  SCHEDULE_ID_PREFIX,
  SCHEDULE_OVERLAP,
  desiredSchedule,
  scheduleId,
  scheduleSpec,
} from './schedule-spec';
