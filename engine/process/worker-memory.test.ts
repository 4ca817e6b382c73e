import { CACHED_RUN_MB, cacheSizing, WORKER_BASE_MB, workerMemory } from './worker-memory';

describe('worker memory', () => {
  const files =
    (contents: Record<string, string>) =>
    (path: string): string | undefined =>
      contents[path];

  it('takes OPSFLOW_WORKER_MEMORY_MB over anything detected', () => {
    expect(workerMemory(1024, files({ '/sys/fs/cgroup/memory.max': '536870912\n' }), 24_000)).toEqual({
      megabytes: 1024,
      source: 'OPSFLOW_WORKER_MEMORY_MB',
    });
  });

  it('detects a container limit (cgroup v2, then v1), else takes a quarter of the machine', () => {
    expect(workerMemory(undefined, files({ '/sys/fs/cgroup/memory.max': '2147483648\n' }), 24_000)).toEqual({
      megabytes: 2048,
      source: 'cgroup',
    });
    expect(
      workerMemory(undefined, files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '1073741824' }), 24_000),
    ).toEqual({ megabytes: 1024, source: 'cgroup' });
    // "max" (v2) and the v1 sentinel mean no limit.
    expect(workerMemory(undefined, files({ '/sys/fs/cgroup/memory.max': 'max\n' }), 24_000)).toEqual({
      megabytes: 6000,
      source: 'machine',
    });
    expect(
      workerMemory(
        undefined,
        files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712' }),
        8000,
      ),
    ).toEqual({ megabytes: 2000, source: 'machine' });
  });

  it('sizes the cache to what is left after the base, within bounds', () => {
    const gigabyte = cacheSizing(1024);
    expect(gigabyte.maxCachedWorkflows).toBe(Math.floor((1024 - WORKER_BASE_MB) / CACHED_RUN_MB));
    // The cache never takes more than the budget: base + cached runs.
    expect(WORKER_BASE_MB + gigabyte.maxCachedWorkflows * CACHED_RUN_MB).toBeLessThanOrEqual(1024);
    expect(gigabyte.maxConcurrentWorkflowTaskExecutions).toBeLessThanOrEqual(gigabyte.maxCachedWorkflows);
    expect(cacheSizing(256).maxCachedWorkflows).toBe(10);
    expect(cacheSizing(1_000_000).maxCachedWorkflows).toBe(20_000);
    expect(cacheSizing(512).stickyQueueScheduleToStartTimeout).toBe('3s');
  });
});
