import { GroupCommit } from './group-commit';

/** A writer that records each write and can be held open, like a statement waiting on a commit. */
function recordingWriter(fail?: (items: readonly string[]) => boolean) {
  const writes: string[][] = [];
  const held: (() => void)[] = [];
  let hold = false;
  const write = async (items: readonly string[]): Promise<string> => {
    writes.push([...items]);
    if (hold) await new Promise<void>((resolve) => held.push(resolve));
    if (fail?.(items)) throw new Error(`bad batch ${items.join(',')}`);
    return items.join(',');
  };
  return {
    writes,
    write,
    hold: () => {
      hold = true;
    },
    release: () => {
      hold = false;
      held.splice(0).forEach((r) => r());
    },
  };
}

describe('GroupCommit', () => {
  it('writes a lone request at once, on its own', async () => {
    const w = recordingWriter();
    const commits = new GroupCommit(w.write);
    await expect(commits.write(['a'])).resolves.toBe('a');
    expect(w.writes).toEqual([['a']]);
  });

  it('groups the requests that arrive while writes are in flight into one write', async () => {
    const w = recordingWriter();
    const commits = new GroupCommit(w.write, { concurrency: 1 });
    w.hold();
    const first = commits.write(['a']);
    const rest = ['b', 'c', 'd'].map((x) => commits.write([x]));
    await Promise.resolve();
    expect(w.writes).toEqual([['a']]);
    w.release();
    await first;
    w.release();
    const results = await Promise.all(rest);
    expect(w.writes).toEqual([['a'], ['b', 'c', 'd']]);
    // Every request of a group gets the group's result.
    expect(results).toEqual(['b,c,d', 'b,c,d', 'b,c,d']);
  });

  it('keeps a group within maxItems, but writes a larger single request whole', async () => {
    const w = recordingWriter();
    const commits = new GroupCommit(w.write, { concurrency: 1, maxItems: 3 });
    w.hold();
    const all = [
      commits.write(['a']),
      commits.write(['b', 'c']),
      commits.write(['d', 'e']),
      commits.write(['f', 'g', 'h', 'i']),
    ];
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      w.release();
      w.hold();
    }
    w.release();
    await Promise.all(all);
    expect(w.writes).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f', 'g', 'h', 'i']]);
  });

  it('when a grouped write fails, writes each request alone: only the bad one fails', async () => {
    const w = recordingWriter((items) => items.includes('bad'));
    const commits = new GroupCommit(w.write, { concurrency: 1 });
    w.hold();
    const first = commits.write(['a']);
    const good = commits.write(['b']);
    const bad = commits.write(['bad']);
    const other = commits.write(['c']);
    w.release();
    await first;
    w.release();
    await expect(good).resolves.toBe('b');
    await expect(bad).rejects.toThrow('bad batch bad');
    await expect(other).resolves.toBe('c');
    expect(w.writes).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });

  it('runs at most `concurrency` writes at once', async () => {
    let open = 0;
    let most = 0;
    const commits = new GroupCommit(
      async (items: readonly number[]) => {
        open++;
        most = Math.max(most, open);
        await new Promise((resolve) => setTimeout(resolve, 2));
        open--;
        return items.length;
      },
      { concurrency: 2 },
    );
    const sizes = await Promise.all(Array.from({ length: 50 }, (_, i) => commits.write([i])));
    expect(most).toBe(2);
    // 50 requests went out in far fewer writes.
    expect(sizes.reduce((a, b) => a + 1 / b, 0)).toBeLessThan(50);
  });
});
