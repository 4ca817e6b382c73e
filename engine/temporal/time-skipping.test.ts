import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { quietTemporalRuntime } from './testing/quiet-runtime';
import { createTimeSkippingEnv } from './time-skipping';
import { createProofActivities } from './testing/proof-activities';
import { sleepWorkflow } from './testing/proof-workflows';

const WEEK = 7 * 24 * 60 * 60 * 1000;

// Real time-skipping server (Temporal's Java test server from Maven Central).
quietTemporalRuntime('ERROR');

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow that sleeps 7 days without waiting 7 days', async () => {
    expect(env.supportsTimeSkipping).toBe(true);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'proof-sleep',
      workflowsPath: require.resolve('./testing/proof-workflows'),
      activities: createProofActivities([]),
    });
    const serverBefore = await env.currentTimeMs();
    const wallBefore = Date.now();
    const slept = await worker.runUntil(
      env.client.workflow.execute(sleepWorkflow, {
        taskQueue: 'proof-sleep',
        workflowId: 'sleep-7d',
        args: [WEEK],
      }),
    );
    const wall = Date.now() - wallBefore;
    // The workflow saw a full week pass, and so did the server's clock; the jest timeout (60 s)
    // bounds the wall time, so this can only pass if time was really skipped.
    expect(slept).toBeGreaterThanOrEqual(WEEK);
    expect((await env.currentTimeMs()) - serverBefore).toBeGreaterThanOrEqual(WEEK);
    expect(wall).toBeLessThan(WEEK);
    process.stdout.write(`7-day sleep took ${wall} ms of wall time\n`);
  });
});
