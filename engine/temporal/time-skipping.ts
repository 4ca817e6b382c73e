import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTestServer } from './binaries';

/**
 * A Temporal environment on the time-skipping test server: timers of days or weeks fire as soon
 * as every workflow is blocked on them, so a week of run time passes in seconds.
 *
 * The server is the Java test server started through `scripts/test-server.sh` (or
 * `TEMPORAL_TEST_SERVER_PATH`); the SDK starts it on a free port and waits for it to bind. With
 * C1-only compilation the JVM binds in well under a second on two cores, inside the SDK's wait.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = await resolveTestServer();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
}
