/** Polling for tests that wait on real processes (servers, workers, the router's loop). */

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
