import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { OpsflowActivities } from '../../activities';
import type { RunActionInput } from '../../activities/contract';
import type { EngineActivities, RunInput } from '../../workflows/contract';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { freshDatabase, type FreshDatabase } from '../db/testing/fresh-database';
import { testDatabaseUrl } from '../db/testing/test-database';
import { enginePart } from '../process/engine-part';
import { eventsStoredSignal, type ProcessContext, type RunningPart } from '../process/extension';
import { RuleRegistry } from '../registry/registry';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { quietTemporalRuntime } from '../temporal/testing/quiet-runtime';
import {
  backfillSchedule,
  describeSchedule,
  listSchedules,
  pauseSchedule,
  triggerSchedule,
  unpauseSchedule,
} from './operations';
import { eventually } from '../testing/eventually';
import { ScheduleSyncer, schedulesPart } from './schedule-part';
import { DISABLED_NOTE, PAUSED_NOTE, SCHEDULE_CATCHUP_WINDOW_MS, scheduleId } from './schedule-spec';
import { syncSchedules, type SyncReport } from './sync';

// Real PostgreSQL, real Temporal dev server, the real interpreter; only actions are fakes.
const CATALOG = `action metrics.collect(name: string) -> { ok: bool }
`;
const hourly = (text = 'hourly') => `rule hourly
  every 1h
do
  call metrics.collect(name: "${text}")
end
`;
const morning = (cron = '0 9 * * 1-5') => `rule morning
  every "${cron}" timezone "Europe/Paris"
do
  log "good morning"
end
`;

describe('schedules', () => {
  let server: DevServer;
  let fresh: FreshDatabase;
  let connection: Connection;
  let client: Client;
  let registry: RuleRegistry;
  const taskQueue = 'schedules-test';
  const meta = { author: 'test', message: 'test' };

  const deploy = async (files: Record<string, string>): Promise<void> => {
    const result = await registry.deploy(
      Object.entries(files).map(([path, content]) => ({ path, content })),
      meta,
      { prune: true },
    );
    if (!result.ok) throw new Error(`rules do not compile: ${JSON.stringify(result.diagnostics)}`);
  };
  const sync = (): Promise<SyncReport> => syncSchedules({ client, db: fresh.db, taskQueue });
  const describe_ = (rule: string) => client.schedule.getHandle(scheduleId(rule)).describe();
  const notFound = (rule: string) =>
    describe_(rule).then(
      () => false,
      (err: unknown) => err instanceof ScheduleNotFoundError,
    );

  beforeAll(async () => {
    quietTemporalRuntime('ERROR');
    server = await startDevServer();
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
  }, 120_000);
  afterAll(async () => {
    await connection?.close();
    await server?.stop();
  }, 60_000);
  beforeEach(async () => {
    fresh = await freshDatabase(4);
    registry = new RuleRegistry(fresh.db);
  });
  afterEach(async () => {
    // Leave no schedule behind for the next test: a fresh database does not know them.
    for (const rule of ['hourly', 'morning']) {
      await client.schedule
        .getHandle(scheduleId(rule))
        .delete()
        .catch(() => undefined);
    }
    await fresh.drop();
  });

  it('creates one schedule per every-rule, updates only what changed, and a second sync is a no-op', async () => {
    await deploy({ 'catalog.rule': CATALOG, 'hourly.rule': hourly(), 'morning.rule': morning() });
    expect(await sync()).toMatchObject({ created: ['hourly', 'morning'], updated: [], failed: [] });

    const h = await describe_('hourly');
    expect(h.spec.intervals).toEqual([expect.objectContaining({ every: 3_600_000 })]);
    expect(h.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: SCHEDULE_CATCHUP_WINDOW_MS });
    expect(h.action).toMatchObject({ workflowType: 'interpretRule', taskQueue });
    expect(h.action.args?.[0]).toMatchObject({
      version: 1,
      trigger: { kind: 'schedule' },
      rule: { name: 'hourly' },
    });
    expect(h.state.paused).toBe(false);
    const m = await describe_('morning');
    expect(m.spec.timezone).toBe('Europe/Paris');
    expect(m.spec.calendars).toEqual([
      expect.objectContaining({
        hour: [{ start: 9, end: 9, step: 1 }],
        dayOfWeek: [{ start: 'MONDAY', end: 'FRIDAY', step: 1 }],
      }),
    ]);
    expect(m.policies.overlap).toBe('SKIP');

    // Nothing changed: nothing written.
    expect(await sync()).toMatchObject({ created: [], updated: [], unchanged: ['hourly', 'morning'] });
    expect((await describe_('hourly')).info.lastUpdatedAt).toEqual(h.info.lastUpdatedAt);

    // hourly changed (new version), morning's cron changed, both updated in place.
    await deploy({
      'catalog.rule': CATALOG,
      'hourly.rule': hourly('v2'),
      'morning.rule': morning('30 8 * * *'),
    });
    expect(await sync()).toMatchObject({ created: [], updated: ['hourly', 'morning'], deleted: [] });
    const h2 = await describe_('hourly');
    expect(h2.info.createdAt).toEqual(h.info.createdAt);
    expect(h2.info.lastUpdatedAt).not.toEqual(h.info.lastUpdatedAt);
    expect(h2.action.args?.[0]).toMatchObject({ version: 2 });
    expect((await describe_('morning')).spec.calendars).toEqual([
      expect.objectContaining({
        hour: [{ start: 8, end: 8, step: 1 }],
        minute: [{ start: 30, end: 30, step: 1 }],
      }),
    ]);
    expect(await sync()).toMatchObject({ updated: [], unchanged: ['hourly', 'morning'] });

    // Several processes syncing at once: all succeed, the schedule is created once.
    await deploy({
      'catalog.rule': CATALOG,
      'hourly.rule': hourly('v3'),
      'morning.rule': morning('30 8 * * *'),
    });
    await client.schedule.getHandle(scheduleId('morning')).delete();
    const reports = await Promise.all([sync(), sync(), sync(), sync()]);
    expect(reports.flatMap((r) => r.failed)).toEqual([]);
    // One created it; the others found it there ("already exists" included) and left it in step.
    expect(reports.flatMap((r) => r.created)).toEqual(['morning']);
    expect(await sync()).toMatchObject({ created: [], updated: [], unchanged: ['hourly', 'morning'] });
  }, 60_000);

  it('pauses the schedule of a disabled rule, unpauses it when enabled, and keeps an operator pause', async () => {
    await deploy({ 'catalog.rule': CATALOG, 'hourly.rule': hourly() });
    await sync();
    await registry.setEnabled('hourly', false, meta);
    expect(await sync()).toMatchObject({ paused: ['hourly'], updated: [] });
    expect((await describe_('hourly')).state).toEqual({ paused: true, note: DISABLED_NOTE });
    expect(await sync()).toMatchObject({ paused: [], unchanged: ['hourly'] });

    await registry.setEnabled('hourly', true, meta);
    expect(await sync()).toMatchObject({ unpaused: ['hourly'] });
    expect((await describe_('hourly')).state.paused).toBe(false);

    // An operator's pause survives syncs, even a sync that updates the schedule.
    await pauseSchedule(client, 'hourly', 'maintenance window');
    await deploy({ 'catalog.rule': CATALOG, 'hourly.rule': hourly('v2') });
    expect(await sync()).toMatchObject({ updated: ['hourly'], unpaused: [] });
    expect((await describe_('hourly')).state).toEqual({ paused: true, note: 'maintenance window' });
    await unpauseSchedule(client, 'hourly');
    expect((await describeSchedule(client, 'hourly')).paused).toBe(false);

    // Disabled and changed in one go: updated and paused by the same call.
    await registry.setEnabled('hourly', false, meta);
    await deploy({ 'catalog.rule': CATALOG, 'hourly.rule': hourly('v3') });
    expect(await sync()).toMatchObject({ updated: ['hourly'], paused: ['hourly'] });
    expect((await describe_('hourly')).state.paused).toBe(true);
  }, 60_000);

  it('pauses the schedule of a paused rule and unpauses it on resume', async () => {
    await deploy({ 'catalog.rule': CATALOG, 'hourly.rule': hourly('paused') });
    await sync();
    await registry.setPaused('hourly', true, meta);
    expect(await sync()).toMatchObject({ paused: ['hourly'] });
    expect((await describe_('hourly')).state).toEqual({ paused: true, note: PAUSED_NOTE });
    await registry.setPaused('hourly', false, meta);
    expect(await sync()).toMatchObject({ unpaused: ['hourly'] });
    expect((await describe_('hourly')).state.paused).toBe(false);
  }, 60_000);

  it('deletes the schedule of a removed rule and of a rule that is no longer scheduled', async () => {
    await deploy({ 'catalog.rule': CATALOG, 'hourly.rule': hourly(), 'morning.rule': morning() });
    await sync();
    const other = await client.schedule.create({
      scheduleId: 'not-opsflow',
      spec: { intervals: [{ every: '1h' }] },
      action: { type: 'startWorkflow', workflowType: 'x', taskQueue, args: [] },
    });
    try {
      await deploy({
        'catalog.rule': `${CATALOG}event tick {\n  n: int\n}\n`,
        'hourly.rule': `rule hourly\n  on tick\ndo\n  log "tick"\nend\n`,
      });
      expect(await sync()).toMatchObject({ deleted: ['hourly', 'morning'], failed: [] });
      expect(await notFound('hourly')).toBe(true);
      expect(await notFound('morning')).toBe(true);
      expect(await sync()).toMatchObject({ deleted: [], created: [] });
      await other.describe();
    } finally {
      await other.delete();
    }
  }, 60_000);

  it('follows registry changes with the syncer', async () => {
    await deploy({ 'catalog.rule': CATALOG, 'hourly.rule': hourly() });
    const lines: string[] = [];
    const syncer = new ScheduleSyncer({
      client,
      db: fresh.db,
      taskQueue,
      log: (l) => lines.push(l),
      checkMs: 50,
    });
    await syncer.start();
    try {
      expect(lines).toEqual(['schedules: created hourly']);
      await registry.rollback('hourly', 1, meta);
      await registry.setEnabled('hourly', false, meta);
      await eventually(async () => (await describe_('hourly')).state.paused);
      await deploy({ 'catalog.rule': CATALOG });
      await eventually(() => notFound('hourly'));
    } finally {
      await syncer.stop();
    }
    expect(lines).toContain('schedules: deleted hourly');
  }, 60_000);

  it('follows the rule folder in a process: deployed at boot and again on SIGHUP', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsflow-schedules-'));
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(join(rules, 'catalog.rule'), CATALOG);
    writeFileSync(join(rules, 'hourly.rule'), hourly());
    const config = loadConfig(
      {
        DATABASE_URL: testDatabaseUrl(),
        TEMPORAL_ADDRESS: server.address,
        OPSFLOW_RULES: rules,
        OPSFLOW_TASK_QUEUE: taskQueue,
      },
      { cwd: dir, role: 'start' },
    );
    const lines: string[] = [];
    const ctx: ProcessContext = {
      config,
      db: fresh.db,
      client,
      log: (l) => lines.push(l),
      eventsStored: eventsStoredSignal(),
    };
    // In the order `opsflow start` hosts them: the engine deploys the folder, then schedules sync.
    const parts = [enginePart({ deployRules: true, router: false }), schedulesPart()];
    const started: RunningPart[] = [];
    try {
      for (const part of parts) if (part.start) started.push(await part.start(ctx));
      expect((await describe_('hourly')).action.args?.[0]).toMatchObject({ version: 1 });

      writeFileSync(join(rules, 'hourly.rule'), hourly('after hangup'));
      process.emit('SIGHUP', 'SIGHUP');
      await eventually(async () => {
        const input = (await describe_('hourly')).action.args?.[0] as RunInput;
        return input.version === 2;
      });
      // The syncer logs once its update call returns, which can be after the update is visible.
      await eventually(() => Promise.resolve(lines.includes('schedules: updated hourly')));
      expect(lines).toContain('schedules: updated hourly');
    } finally {
      for (const part of started.reverse()) await part.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  describe('runs', () => {
    let native: NativeConnection;
    let worker: Worker;
    let running: Promise<void>;
    const calls: RunActionInput[] = [];

    beforeAll(async () => {
      native = await NativeConnection.connect({ address: server.address });
      const actions: OpsflowActivities = {
        runAction: (input) => {
          calls.push(input);
          return Promise.resolve({ result: { ok: true } });
        },
        emit: () => Promise.reject(new Error('no emit in these rules')),
      };
      const engine: EngineActivities = {
        subscribe: () => Promise.resolve(),
        unsubscribe: () => Promise.resolve(),
        approvalOpened: () => Promise.resolve(),
        approvalClosed: () => Promise.resolve(),
      };
      worker = await Worker.create({
        connection: native,
        taskQueue,
        workflowsPath: require.resolve('../../workflows'),
        activities: { ...actions, ...engine },
      });
      running = worker.run();
    }, 120_000);
    afterAll(async () => {
      worker?.shutdown();
      await running;
      await native?.close();
    }, 60_000);

    const completedRuns = async (rule: string, count: number): Promise<string[]> => {
      let ids: string[] = [];
      await eventually(async () => {
        const view = await describeSchedule(client, rule);
        ids = view.recentActions.map((a) => a.workflowId);
        return ids.length >= count;
      });
      for (const id of ids) await client.workflow.getHandle(id).result();
      return ids;
    };

    it('triggerSchedule starts a run of the pinned version that completes', async () => {
      await deploy({ 'catalog.rule': CATALOG, 'hourly.rule': hourly('now') });
      await sync();
      await triggerSchedule(client, 'hourly');
      const [id] = await completedRuns('hourly', 1);
      expect(id.startsWith('opsflow/hourly/schedule')).toBe(true);
      expect(calls.filter((c) => c.action === 'metrics.collect' && c.args.name === 'now')).toHaveLength(1);
      expect(await listSchedules(client)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ rule: 'hourly', version: 1, every: { intervalMs: 3_600_000 } }),
        ]),
      );
    }, 60_000);

    it('backfillSchedule takes the missed ticks', async () => {
      await deploy({ 'catalog.rule': CATALOG, 'hourly.rule': hourly('backfill') });
      await sync();
      const now = Date.now();
      await backfillSchedule(client, 'hourly', new Date(now - 3 * 3_600_000 - 1000), new Date(now - 1000));
      await completedRuns('hourly', 3);
      expect(calls.filter((c) => c.args.name === 'backfill')).toHaveLength(3);
    }, 60_000);
  });
});
