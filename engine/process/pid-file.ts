import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** The process id a pid file names, or undefined when the file is missing or unreadable. */
export function readPidFile(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a process with this id exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a live process (Linux `/proc`), or undefined when it cannot be read. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/**
 * Takes an exclusive claim on a resource by pid file: refused while the named process is alive,
 * taken over when it is gone (a crash leaves the file behind). Returns the release function.
 */
export function claimPidFile(path: string, describe: (pid: number) => Error): () => void {
  const owner = readPidFile(path);
  if (owner !== undefined && (owner === process.pid || isAlive(owner))) throw describe(owner);
  writeFileSync(path, `${process.pid}\n`, { mode: 0o644 });
  return () => {
    if (readPidFile(path) === process.pid) rmSync(path, { force: true });
  };
}
