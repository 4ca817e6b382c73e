/**
 * A server run as a child process (the dev server, the real Temporal server): waits until it is
 * ready or has exited, and stops it on `stop()` or when this process exits.
 */
import type { ChildProcess } from 'node:child_process';
import { ServerStartError } from '../errors';

/** Keeps the last lines the child printed, for error messages. */
export function tail(child: ChildProcess): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 20) lines.splice(0, lines.length - 20);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => lines.join('\n') || '(no output)';
}

/** A started child server: its pid and a graceful stop (SIGTERM, SIGKILL after `graceMs`). */
export interface ChildServer {
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Resolves once `ready()` does; rejects (and kills the child) when it fails or the child exits
 * first, with the child's last output in the message.
 */
export async function superviseChild(
  child: ChildProcess,
  name: string,
  ready: () => Promise<void>,
  graceMs: number,
): Promise<ChildServer> {
  const output = tail(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  try {
    await Promise.race([
      ready(),
      exited.then((code) => {
        throw new ServerStartError(`${name} exited with code ${code}: ${output()}`);
      }),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    throw err instanceof ServerStartError
      ? err
      : new ServerStartError(`${String(err)}; server output: ${output()}`);
  }
  return {
    pid: child.pid ?? -1,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
