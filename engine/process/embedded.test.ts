import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRuleSet } from '../../dsl';
import { INTERPRETER_WORKFLOW_TYPE, type RunInput, type RunResult } from '../../workflows/contract';
import { loadConfig, type Config } from '../config';
import { resolveTemporalCli } from '../temporal/binaries';
import { freePort } from '../temporal/dev-server';
import { quietTemporalRuntime } from '../temporal/testing/quiet-runtime';
import { devServerPidFile } from './embedded-temporal';
import { isAlive } from './pid-file';
import { RuleRegistry } from '../registry';
import { enginePart } from './engine-part';
import { startRuntime, type Runtime } from './runtime';

// Embedded mode for real: PGlite on disk, the Temporal dev server binary as a child process, the
// interpreter worker bundling the real workflows. No mocks.
quietTemporalRuntime();
jest.setTimeout(120_000);

const RULE = `rule greet "Greets whoever starts it"
  manual(name: string)
do
  log "hello \${input.name}"
end
`;

describe('opsflow start (embedded mode)', () => {
  let dir: string;
  let config: Config;
  let runtime: Runtime | undefined;
  const lines: string[] = [];
  const log = (line: string): void => {
    lines.push(line);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsflow-embedded-'));
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'greet.rule'), RULE);
    config = loadConfig(
      {
        OPSFLOW_DATA_DIR: 'data',
        OPSFLOW_TEMPORAL_PORT: String(await freePort()),
        OPSFLOW_TEMPORAL_UI_PORT: String(await freePort()),
        OPSFLOW_TASK_QUEUE: 'opsflow-embedded-test',
      },
      { cwd: dir, role: 'start' },
    );
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops a dev server left behind by a crashed run, boots from an empty data dir, runs a rule', async () => {
    // A crashed `opsflow start` leaves its dev server child running on the SQLite file and port.
    mkdirSync(config.dataDir, { recursive: true });
    const temporal = config.temporal.kind === 'embedded' ? config.temporal : undefined;
    if (!temporal) throw new Error('expected embedded Temporal');
    const stale = spawn(
      await resolveTemporalCli(),
      [
        'server',
        'start-dev',
        '--headless',
        '--ip',
        '127.0.0.1',
        '--port',
        String(temporal.port),
        '--db-filename',
        temporal.dbFile,
      ],
      { stdio: 'ignore', detached: true },
    );
    const stalePid = stale.pid ?? -1;
    writeFileSync(devServerPidFile(config.dataDir), `${stalePid}\n`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(isAlive(stalePid)).toBe(true);

    runtime = await startRuntime(config, {
      worker: true,
      api: true,
      parts: [enginePart({ deployRules: true, router: true })],
      log,
    });
    expect(isAlive(stalePid)).toBe(false);
    expect(lines.join('\n')).toContain(`left behind by an earlier run (pid ${stalePid})`);
    expect(runtime.temporal.uiUrl).toBe(`http://127.0.0.1:${temporal.uiPort}`);
    expect(runtime.adminToken?.generated).toBe(true);
    const tokenFile = join(config.dataDir, 'admin-token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(runtime.adminToken?.token);

    const compiled = compileRuleSet([{ path: 'greet.rule', content: RULE }]);
    expect(compiled.diagnostics).toEqual([]);
    const input: RunInput = {
      rule: compiled.rules[0],
      version: 1,
      trigger: { kind: 'manual', input: { name: 'ops' }, by: 'test' },
    };
    const result = await runtime.client.workflow.execute<(input: RunInput) => Promise<RunResult>>(
      INTERPRETER_WORKFLOW_TYPE,
      { taskQueue: config.taskQueue, workflowId: 'embedded-greet', args: [input] },
    );
    expect(result.status).toBe('completed');
    await runtime.db.query(
      "INSERT INTO events (id, type, time, data) VALUES ('ev-1', 'order.placed', now(), '{\"sku\":\"A\"}')",
    );

    await runtime.stop();
    runtime = undefined;
    expect(existsSync(devServerPidFile(config.dataDir))).toBe(false);
    expect(existsSync(join(config.dataDir, 'opsflow.pid'))).toBe(false);
  });

  it('boots again from the same data dir and still has the finished run and the stored event', async () => {
    runtime = await startRuntime(config, {
      worker: true,
      api: true,
      parts: [enginePart({ deployRules: true, router: true })],
      log,
    });
    expect(runtime.adminToken).toMatchObject({ generated: false });
    const handle = runtime.client.workflow.getHandle('embedded-greet');
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(await handle.result()).toMatchObject({ status: 'completed' });
    const { rows } = await runtime.db.query<{ id: string; data: unknown }>('SELECT id, data FROM events');
    expect(rows).toEqual([{ id: 'ev-1', data: { sku: 'A' } }]);
    // A second process on the same data directory is refused while this one runs.
    await expect(startRuntime(config, { worker: false, api: false, log })).rejects.toThrow(
      /already running on .* \(process \d+\)/,
    );
    await runtime.stop();
    runtime = undefined;
  });

  it('deploys the folder at boot only when it changed: a rollback survives a restart', async () => {
    const boot = () =>
      startRuntime(config, {
        worker: true,
        api: true,
        parts: [enginePart({ deployRules: true, router: true })],
        log,
      });
    lines.length = 0;
    runtime = await boot();
    expect(lines.join('\n')).toMatch(/folder .*rules unchanged since its deploy at .*; nothing to deploy/);
    await runtime.stop();

    // A new version in the folder is deployed at the next boot...
    writeFileSync(join(dir, 'rules', 'greet.rule'), RULE.replace('Greets whoever', 'Says hello to whoever'));
    lines.length = 0;
    runtime = await boot();
    expect(lines.join('\n')).toContain('1 changed (greet changed v2)');
    // ...an operator rolls it back...
    await new RuleRegistry(runtime.db).rollback('greet', 1, { author: 'admin', message: 'v2 greets wrong' });
    await runtime.stop();

    // ...and the rollback survives a restart of the unchanged folder.
    lines.length = 0;
    runtime = await boot();
    expect(lines.join('\n')).toMatch(
      /unchanged since its deploy at .*; keeping greet v1 \(rolled back by admin at /,
    );
    expect((await new RuleRegistry(runtime.db).get('greet')).version).toBe(1);
    await runtime.stop();
    runtime = undefined;
  });
});
