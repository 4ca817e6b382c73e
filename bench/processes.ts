/**
 * `opsflow api` and `opsflow worker` as the separate processes a deployment runs, started from
 * the TypeScript sources (`engine-process.ts`) for the benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** A child process running one opsflow command from the sources, with its output kept for errors. */
export interface Child {
  readonly process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export function spawnOpsflow(command: string, env: Record<string, string>): Child {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'engine-process.ts'), command],
    {
      cwd: join(__dirname, '..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function waitFor(what: string, child: Child, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await ready().catch(() => false))) {
    if (child.process.exitCode !== null || Date.now() > deadline)
      throw new Error(`${what} did not start:\n${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
