/**
 * Graceful shutdown on SIGINT/SIGTERM: the first signal runs `stop` (stop taking work, drain the
 * worker, close pools, stop the dev server); a second one exits at once, for an operator who
 * does not want to wait for a long activity to finish. Returns a function removing the handlers.
 */
export function onShutdownSignals(
  stop: (signal: NodeJS.Signals) => Promise<void>,
  log: (line: string) => void,
  exit: (code: number) => void = (code) => process.exit(code),
): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      exit(130);
      return;
    }
    stopping = true;
    log(`${signal}: stopping gracefully (send it again to exit at once)`);
    stop(signal).catch((err: unknown) => {
      log(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
      exit(1);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
  };
}
