/**
 * What every `opsflow` command shares: where it writes and the exit codes it resolves to. Apart from
 * `cli.ts` so the commands can use it without importing the program that registers them.
 */

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
}

/** Exit codes of the stable command line: 0 ok, 1 the input has errors, 2 misuse. */
export const ExitCode = { ok: 0, failed: 1, misuse: 2 } as const;
