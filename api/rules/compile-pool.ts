/**
 * Compiling rule sets off the event loop: a small pool of worker threads, so a large rule set
 * (a valid 3.8 MiB file takes minutes) never stops the API from answering other requests. A
 * compile that runs past its time or memory limit is stopped by ending its worker.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Diagnostic, RuleIR, RuleSetInput } from '../../dsl';
import type { CompileJob } from './compile-worker';

/** What a compile gives back. */
export interface CompiledRules {
  /** One IR per rule, sorted by name; empty when any diagnostic is an error. */
  readonly rules: RuleIR[];
  readonly diagnostics: Diagnostic[];
}

/** Why a compile did not finish: it ran out of time or memory, or its worker failed. */
export class CompileLimitError extends Error {
  override readonly name = 'CompileLimitError';
}

export interface CompilePoolOptions {
  /** Worker threads at most (default 2). */
  readonly size?: number;
  /** How long one compile may take (default 60 s). */
  readonly timeoutMs?: number;
  /** Heap of one worker, MB (default 1024). */
  readonly maxHeapMb?: number;
}

type Reply = { id: number; error: string } | ({ id: number } & CompiledRules);

interface Pending {
  readonly job: CompileJob;
  readonly resolve: (result: CompiledRules) => void;
  readonly reject: (err: Error) => void;
}

/** The worker's script: the built JavaScript, or the TypeScript source through swc (tests, dev). */
function spawn(maxHeapMb: number): Worker {
  const options = { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } };
  const js = join(__dirname, 'compile-worker.js');
  if (existsSync(js)) return new Worker(js, options);
  const ts = join(__dirname, 'compile-worker.ts');
  return new Worker(`require('@swc-node/register'); require(${JSON.stringify(ts)});`, {
    ...options,
    eval: true,
  });
}

/** One worker running at most one job. */
class Slot {
  readonly worker: Worker;
  current: (Pending & { timer: NodeJS.Timeout }) | undefined;
  dead = false;

  constructor(
    maxHeapMb: number,
    private readonly onFree: (slot: Slot) => void,
  ) {
    this.worker = spawn(maxHeapMb);
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
      const current = this.current;
      if (!current || current.job.id !== reply.id) return;
      this.finish();
      if ('error' in reply) current.reject(new CompileLimitError(`the compiler failed: ${reply.error}`));
      else current.resolve({ rules: reply.rules, diagnostics: reply.diagnostics });
      this.onFree(this);
    });
    const fail = (err: Error): void => {
      this.dead = true;
      const current = this.current;
      this.finish();
      const memory = (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      current?.reject(
        new CompileLimitError(
          memory
            ? 'compiling the rule set ran out of memory: it is too large'
            : `the compiler failed: ${err.message}`,
        ),
      );
      this.onFree(this);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      if (!this.dead) fail(new Error(`the compile worker exited (${code})`));
    });
  }

  run(pending: Pending, timeoutMs: number): void {
    const timer = setTimeout(() => {
      const current = this.current;
      this.dead = true;
      this.finish();
      current?.reject(
        new CompileLimitError(
          `compiling the rule set took longer than ${Math.round(timeoutMs / 1000)} s; split it into smaller files or rules`,
        ),
      );
      void this.worker.terminate();
      this.onFree(this);
    }, timeoutMs);
    timer.unref();
    this.current = { ...pending, timer };
    this.worker.postMessage(pending.job);
  }

  private finish(): void {
    if (this.current) clearTimeout(this.current.timer);
    this.current = undefined;
  }
}

/** A pool of compile workers, started on first use. */
export class CompilePool {
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly maxHeapMb: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: CompilePoolOptions = {}) {
    this.size = Math.max(1, options.size ?? 2);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxHeapMb = options.maxHeapMb ?? 1024;
  }

  /** Compiles `files` as one rule set in a worker thread. */
  compile(files: readonly RuleSetInput[]): Promise<CompiledRules> {
    if (this.closed) return Promise.reject(new Error('the compile pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, files }, resolve, reject });
      this.dispatch();
    });
  }

  /** Ends every worker; queued and running compiles fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('the compile pool is closed'));
    const slots = this.slots.splice(0);
    for (const slot of slots) slot.dead = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.dead && s.current === undefined);
      if (!slot && this.slots.length < this.size) {
        slot = new Slot(this.maxHeapMb, (free) => this.freed(free));
        this.slots.push(slot);
      }
      if (!slot) return;
      slot.run(this.queue.shift() as Pending, this.timeoutMs);
    }
  }

  private freed(slot: Slot): void {
    if (slot.dead) {
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots.splice(at, 1);
    }
    if (!this.closed) this.dispatch();
  }
}
