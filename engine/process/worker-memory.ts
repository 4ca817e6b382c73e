/**
 * Sizing the worker's workflow cache from the memory the worker is given, so that any number of
 * waiting runs fits: a run in the cache costs memory for as long as it waits, a run evicted from
 * it costs none (its state is its history, in Temporal) and is replayed when its next event, timer
 * or signal arrives. Runs beyond the cache are evicted least recently used first.
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import type { Duration } from '@temporalio/common';

/** What a worker process needs before its cache holds anything (Node, V8, the SDK's core, bundle). */
export const WORKER_BASE_MB = 400;
/**
 * What one cached run of the interpreter costs, mostly outside the V8 heap (the SDK core keeps each
 * cached run's state machines and history): `npm run bench:scale` measured 0.32 MB with 6,000
 * runs waiting; rounded up.
 */
export const CACHED_RUN_MB = 0.4;
/** The SDK's floor, and a ceiling past which a larger cache no longer pays (replays are cheap). */
const MIN_CACHED = 10;
const MAX_CACHED = 20_000;
/** Memory assumed without a limit anywhere: a worker shares its machine with the rest. */
const DEFAULT_SHARE = 0.25;

/** How much memory a worker has, and where the figure came from. */
export interface WorkerMemory {
  readonly megabytes: number;
  readonly source: 'OPSFLOW_WORKER_MEMORY_MB' | 'cgroup' | 'machine';
}

/** The cgroup memory limit of this process (v2, then v1), in MB; undefined when there is none. */
function cgroupLimitMb(read: (path: string) => string | undefined): number | undefined {
  for (const path of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    const text = read(path)?.trim();
    if (!text || text === 'max') continue;
    const bytes = Number(text);
    // cgroup v1 writes a huge number (about 2^63) for "no limit".
    if (Number.isFinite(bytes) && bytes > 0 && bytes < 2 ** 60) return Math.floor(bytes / 2 ** 20);
  }
  return undefined;
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The memory of this worker: `OPSFLOW_WORKER_MEMORY_MB` when set, else the container's limit
 * (cgroup), else a quarter of the machine's memory.
 */
export function workerMemory(
  configured: number | undefined,
  read: (path: string) => string | undefined = readIfThere,
  machineMb: number = totalmem() / 2 ** 20,
): WorkerMemory {
  if (configured !== undefined) return { megabytes: configured, source: 'OPSFLOW_WORKER_MEMORY_MB' };
  const limit = cgroupLimitMb(read);
  if (limit !== undefined && limit < machineMb) return { megabytes: limit, source: 'cgroup' };
  return { megabytes: Math.floor(machineMb * DEFAULT_SHARE), source: 'machine' };
}

/** Worker options that keep a worker inside `memory`. */
export interface CacheSizing {
  readonly maxCachedWorkflows: number;
  /** Workflow tasks at once: never more than the cache holds. */
  readonly maxConcurrentWorkflowTaskExecutions: number;
  /**
   * How long a run's next task waits for the worker that has it cached before any worker takes
   * it (and replays it): short, so a dead worker's runs move on quickly.
   */
  readonly stickyQueueScheduleToStartTimeout: Duration;
}

/** The cache that fits `megabytes`: what is left after the base, at `CACHED_RUN_MB` a run. */
export function cacheSizing(megabytes: number): CacheSizing {
  const fits = Math.floor(Math.max(0, megabytes - WORKER_BASE_MB) / CACHED_RUN_MB);
  const maxCachedWorkflows = Math.min(MAX_CACHED, Math.max(MIN_CACHED, fits));
  return {
    maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: Math.min(40, maxCachedWorkflows),
    stickyQueueScheduleToStartTimeout: '3s',
  };
}
