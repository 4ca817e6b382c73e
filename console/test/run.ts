/**
 * `npm run test:console`: the operations console in a real browser (Debian's Chromium driven by
 * playwright-core) against `opsflow start` on a fresh data dir, as an ops person uses it, by
 * roles and accessible names only. Sign in, find a failed run and retry it after the warehouse
 * (a local HTTP server) is fixed, approve a held order, see why an event was skipped, roll a rule
 * back, check that a viewer is not offered what it may not do, and the Chinese console. Saves a
 * screenshot of each page under docs/console/ (shown in the README).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { projectRoot } from '../../engine/paths';
import {
  ADMIN_TOKEN,
  eventually,
  launchChromium,
  provisionTools,
  startOpsflow,
  type OpsflowServer,
} from './stack';
import { Warehouse } from './target';

const SHOTS = join(projectRoot(), 'docs', 'console');

export function consoleRules(warehouse: string, greeting = 'hello'): string {
  return `event order.placed {
  order_id: string
  total: int
}

rule ship_order "Reserves stock, then ships through the warehouse"
  manual(order_id: string, quantity: int)
do
  call http.request(method: "POST", url: "http://${warehouse}/reserve", body: { order: input.order_id, quantity: input.quantity })
  call http.request(method: "POST", url: "http://${warehouse}/ship", body: { order: input.order_id }) retry 2 every 1s
end

rule hold_big_order "Orders over 100 wait for a person"
  on order.placed
  key event.order_id
  when event.total > 100
do
  approve "Ship order \${event.order_id}?" as d within 1h
  log "decided by \${d.by}"
end

rule greet "Greets whoever starts it"
  manual(name: string)
do
  log "${greeting} \${input.name}"
end

rule nightly_report "A report every night"
  every 24h
do
  log "report"
end
`;
}

/** Waits until the locator's text is `text` (the page updates itself: polling, never a reload). */
async function hasText(locator: Locator, text: string | RegExp, timeoutMs = 60_000): Promise<void> {
  let seen = '';
  await eventually(
    `text ${String(text)} (last seen: ${JSON.stringify(seen)})`,
    async () => {
      seen = ((await locator.first().textContent({ timeout: 2000 })) ?? '').trim();
      return typeof text === 'string' ? seen === text : text.test(seen);
    },
    timeoutMs,
  );
}

/** The run page's status (the status text next to "Status"). */
function runStatus(page: Page): Locator {
  return page.locator('.run-status');
}

const NAV = ['Overview', 'Rules', 'Runs', 'Events', 'Approvals', 'Schedules', 'Audit'];
const ACTIONS = [
  'Approve',
  'Reject',
  'Cancel run',
  'Rerun',
  'Retry',
  'Enable',
  'Disable',
  'Pause',
  'Resume',
  'Roll back',
  'Run now',
];

/**
 * The names of the contract find one element each as a test would look them up, by Playwright's
 * default (case-insensitive substring) match: no other link says `approvals`, no other button
 * `retry`. Each page has exactly one `h1`.
 */
async function namesAreUnambiguous(page: Page): Promise<void> {
  for (const name of NAV) {
    assert.equal(
      await page.getByRole('link', { name }).count(),
      1,
      `links named like ${name} on ${page.url()}`,
    );
  }
  for (const name of ACTIONS) {
    assert.ok(
      (await page.getByRole('button', { name }).count()) <= 1,
      `buttons named like ${name} on ${page.url()}`,
    );
  }
  assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, `h1 on ${page.url()}`);
}

/** Saves the page's screenshot; a signed-in English page is checked for its names first. */
async function shot(page: Page, name: string, signedInEnglish = true): Promise<void> {
  if (signedInEnglish) await namesAreUnambiguous(page);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function step(name: string, body: () => Promise<void>): Promise<void> {
  const started = Date.now();
  process.stdout.write(`- ${name} … `);
  await body();
  process.stdout.write(`ok (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/console`);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
}

async function scenario(browser: Browser, server: OpsflowServer, warehouse: Warehouse): Promise<void> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const { baseUrl } = server;

  await step('sign in with the admin token', async () => {
    await page.goto(`${baseUrl}/console`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await shot(page, 'sign-in', false);
    await page.getByLabel('Token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await signIn(page, baseUrl, ADMIN_TOKEN);
    for (const name of ['Overview', 'Rules', 'Runs', 'Events', 'Approvals', 'Schedules', 'Audit']) {
      await page.getByRole('link', { name, exact: true }).waitFor();
    }
  });

  let failedRunId = '';
  await step('a manual run from the typed form fails while the warehouse is down', async () => {
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Rules' }).waitFor();
    await page.getByRole('table').getByRole('link', { name: 'ship_order' }).click();
    await page.getByRole('heading', { level: 1, name: 'ship_order' }).waitFor();
    await page.getByLabel(/^order_id/).fill('O-100');
    await page.getByLabel(/^quantity/).fill('2');
    await shot(page, 'rule');
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(/\/console\/runs\/[^/]+$/);
    await hasText(runStatus(page), 'failed', 90_000);
    failedRunId = decodeURIComponent(page.url().split('/').pop() ?? '');
  });

  await step('find the failed run in the runs list, see its error and failing line', async () => {
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Runs' }).waitFor();
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Filter' }).click();
    const row = page.getByRole('row').filter({ hasText: 'ship_order' }).filter({ hasText: 'failed' });
    await row.first().waitFor();
    await shot(page, 'runs');
    await row.first().getByRole('link').first().click();
    await hasText(runStatus(page), 'failed');
    assert.equal(decodeURIComponent(page.url().split('/').pop() ?? ''), failedRunId);
    const error = page.getByRole('region', { name: 'Error' });
    await error
      .getByText(/ActionFailed|503/)
      .first()
      .waitFor();
    await error.getByRole('link', { name: /Failing line: .*:10$/ }).waitFor();
    // The chart links each step to its source line.
    await page.getByRole('figure', { name: 'Steps over time' }).getByRole('link').first().waitFor();
    await shot(page, 'run-failed');
  });

  await step('fix the warehouse, Retry: the run goes on from the failed step', async () => {
    warehouse.broken = false;
    const reservedBefore = warehouse.served('/reserve').length;
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.waitForURL((url) => !url.pathname.endsWith(encodeURIComponent(failedRunId)));
    await hasText(runStatus(page), 'completed', 90_000);
    // From the failed step: the reservation is not made again, the shipment is made once.
    assert.equal(warehouse.served('/reserve').length, reservedBefore);
    assert.deepEqual(
      warehouse.served('/ship').map((r) => r.body.order),
      ['O-100'],
    );
    await page.getByText('Retry of').waitFor();
    await shot(page, 'run-retried');
  });

  await step('a bulk rerun of the failed runs counts none left: the one failed run was retried', async () => {
    await page.goto(`${baseUrl}/console/runs?rule=ship_order&status=failed`);
    await page.getByRole('heading', { level: 1, name: 'Runs' }).waitFor();
    await page.getByText('Rerun the runs of this filter').click();
    await page.getByRole('button', { name: 'Count matching runs' }).click();
    await page.getByText('0 runs match.').waitFor();
  });

  await step('approve a held order from the inbox, with a comment', async () => {
    await server.api('POST', '/v1/events', [
      { id: 'evt-big', type: 'order.placed', data: { order_id: 'O-200', total: 250 } },
      { id: 'evt-small', type: 'order.placed', data: { order_id: 'O-201', total: 40 } },
    ]);
    await page.getByRole('link', { name: 'Approvals', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    const link = page.getByRole('table').getByRole('link', { name: 'Ship order O-200?' });
    await link.waitFor({ timeout: 60_000 });
    await shot(page, 'approvals');
    await link.click();
    await hasText(runStatus(page), 'waiting');
    await page
      .getByRole('region', { name: 'Waiting for' })
      .getByText(/Ship order O-200\?/)
      .waitFor();
    await shot(page, 'run-waiting');
    await page.getByLabel('Comment').fill('stock checked');
    await page.getByRole('button', { name: 'Approve' }).click();
    await hasText(runStatus(page), 'completed', 60_000);
    const runId = decodeURIComponent(page.url().split('/').pop() ?? '');
    const run = await server.api<{ timeline: { detail: string }[] }>(
      'GET',
      `/v1/runs/${encodeURIComponent(runId)}`,
    );
    assert.ok(
      run.timeline.some((s) => String(s.detail).includes('decided by admin')),
      `the decision is the caller's: ${JSON.stringify(run.timeline)}`,
    );
  });

  await step("see why the small order's event was skipped", async () => {
    await page.getByRole('link', { name: 'Events', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Events' }).waitFor();
    await page.getByRole('table').getByRole('link', { name: 'evt-small' }).waitFor();
    await shot(page, 'events');
    await page.getByLabel('Event id').fill('evt-small');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('heading', { level: 1, name: 'Event evt-small' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'hold_big_order' });
    await hasText(row.getByRole('cell').nth(1), 'skipped');
    await row.getByText(/event\.total/).waitFor();
    await row.getByText(/40/).first().waitFor();
    await shot(page, 'event-skipped');
  });

  await step('roll a rule back to its first version', async () => {
    await server.api('POST', '/v1/deployments', {
      files: [{ path: 'console.rule', content: consoleRules(warehouse.hostPort, 'good day') }],
      message: 'friendlier greeting',
    });
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    await page.getByRole('table').getByRole('link', { name: 'greet' }).click();
    await page.getByRole('heading', { level: 1, name: 'greet' }).waitFor();
    await page.getByText('log "good day ${input.name}"').waitFor();
    await page.getByRole('button', { name: 'Show diff' }).click();
    await page.locator('.dl-add').getByText('good day').waitFor();
    await shot(page, 'rule-diff');
    await page.getByLabel('Roll back to version').selectOption('1');
    await page.getByRole('button', { name: 'Roll back' }).click();
    await page.getByText('log "hello ${input.name}"').waitFor();
    // A rollback makes the old version current again (it is audited as rolled_back).
    const rule = await server.api<{ version: number; source: string }>('GET', '/v1/rules/greet');
    assert.equal(rule.version, 1);
    assert.match(rule.source, /log "hello/);
  });

  await step('schedules, overview and audit pages', async () => {
    await page.getByRole('link', { name: 'Schedules', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Schedules' }).waitFor();
    await page.getByRole('table').getByRole('link', { name: 'nightly_report' }).waitFor({ timeout: 30_000 });
    await shot(page, 'schedules');
    await page.getByRole('link', { name: 'Audit', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();
    await page.getByRole('cell', { name: 'rolled_back' }).first().waitFor();
    await shot(page, 'audit');
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    const ship = page.getByRole('row').filter({ hasText: 'ship_order' });
    await ship.waitFor();
    await shot(page, 'overview');
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    await page.getByRole('table').getByRole('link', { name: 'greet' }).waitFor();
    await shot(page, 'rules');
  });

  await step('a viewer is not offered what it may not do', async () => {
    const key = await server.api<{ token: string }>('POST', '/v1/keys', { name: 'watcher', role: 'viewer' });
    const viewer = await browser.newPage({ locale: 'en-US' });
    await signIn(viewer, baseUrl, key.token);
    assert.equal(await viewer.getByRole('link', { name: 'Audit', exact: true }).count(), 0);
    assert.equal(await viewer.getByRole('link', { name: 'Schedules', exact: true }).count(), 0);
    await viewer.goto(`${baseUrl}/console/runs/${encodeURIComponent(failedRunId)}`);
    await hasText(runStatus(viewer), 'failed');
    for (const name of ['Retry', 'Rerun', 'Cancel run', 'Approve']) {
      assert.equal(await viewer.getByRole('button', { name }).count(), 0, `a viewer is offered ${name}`);
    }
    await viewer.goto(`${baseUrl}/console/rules/greet`);
    await viewer.getByRole('heading', { level: 1, name: 'greet' }).waitFor();
    for (const name of ['Disable', 'Pause', 'Roll back', 'Run now']) {
      assert.equal(await viewer.getByRole('button', { name }).count(), 0, `a viewer is offered ${name}`);
    }
    await viewer.close();
    // An ingest key may only post events: no page, and no link to one.
    const ingest = await server.api<{ token: string }>('POST', '/v1/keys', { name: 'shop', role: 'ingest' });
    const shop = await browser.newPage({ locale: 'en-US' });
    await shop.goto(`${baseUrl}/console`);
    await shop.getByLabel('Token').fill(ingest.token);
    await shop.getByRole('button', { name: 'Sign in' }).click();
    await shop.getByRole('heading', { level: 1, name: 'Nothing to show' }).waitFor();
    assert.equal(await shop.getByRole('navigation', { name: 'Main' }).getByRole('link').count(), 0);
    await shop.close();
  });

  await step('the console in Simplified Chinese (browser language), and switching back', async () => {
    const zh = await browser.newPage({ locale: 'zh-CN' });
    await zh.goto(`${baseUrl}/console`);
    await zh.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    await zh.getByLabel('令牌').fill(ADMIN_TOKEN);
    await zh.getByRole('button', { name: '登录' }).click();
    await zh.getByRole('heading', { level: 1, name: '概览' }).waitFor();
    await zh.getByRole('link', { name: '运行', exact: true }).click();
    await zh.getByRole('cell', { name: '已完成' }).first().waitFor();
    await shot(zh, 'runs-zh-CN', false);
    await zh.getByRole('row').filter({ hasText: '失败' }).getByRole('link').first().click();
    await hasText(runStatus(zh), '失败');
    await shot(zh, 'run-zh-CN', false);
    await zh.getByRole('link', { name: '运行', exact: true }).click();
    await zh.getByLabel('语言').selectOption('en');
    await zh.getByRole('heading', { level: 1, name: 'Runs' }).waitFor();
    await zh.close();
  });

  assert.deepEqual(warehouse.refused, [], 'the warehouse got requests it did not expect');
  assert.deepEqual(errors, [], 'the page threw');
  await context.close();
}

async function main(): Promise<void> {
  const started = Date.now();
  mkdirSync(SHOTS, { recursive: true });
  const tools = provisionTools();
  const warehouse = await Warehouse.start();
  let server: OpsflowServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startOpsflow(
      { 'console.rule': consoleRules(warehouse.hostPort) },
      { OPSFLOW_HTTP_ALLOW: warehouse.hostPort },
      tools.temporalCli,
    );
    console.log(`opsflow start up at ${server.baseUrl}; Chromium ${tools.chromium}`);
    browser = await launchChromium(tools.chromium);
    await scenario(browser, server, warehouse);
    console.log(`console test passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } catch (error) {
    if (server)
      console.error(`--- opsflow output (last lines)\n${server.output().split('\n').slice(-40).join('\n')}`);
    throw error;
  } finally {
    await browser?.close();
    await server?.stop();
    await warehouse.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
