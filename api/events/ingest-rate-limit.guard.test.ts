import { TokenBuckets } from './ingest-rate-limit.guard';

describe('TokenBuckets', () => {
  it('allows a burst of `rate`, then refills at `rate` per second, per key', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 1]);
    expect(buckets.take('b')).toBe(0);
    now = 499;
    expect(buckets.take('a')).toBe(1);
    now = 1000;
    expect(buckets.take('a')).toBe(0);
    now = 10_000;
    // Idle time does not bank more than one second's worth.
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 1]);
  });

  it('says how many whole seconds to wait, at least one', () => {
    const now = 0;
    const slow = new TokenBuckets(1, () => now);
    expect(slow.take('k')).toBe(0);
    expect(slow.take('k')).toBe(1);
    const buckets = new TokenBuckets(1000, () => now);
    for (let i = 0; i < 1000; i++) buckets.take('k');
    expect(buckets.take('k')).toBe(1);
  });
});
