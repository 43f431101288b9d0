import { GroupCommit } from './group-commit';

/** A flush that records its calls and finishes when told to. */
function controlledFlush(fails: (items: string[]) => boolean = () => false) {
  const calls: string[][] = [];
  const waiting: (() => void)[] = [];
  const flush = (items: string[]) =>
    new Promise<string>((resolve, reject) => {
      calls.push(items);
      waiting.push(() => (fails(items) ? reject(new Error(`bad: ${items.join(',')}`)) : resolve(items.join(','))));
    });
  const finishNext = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    waiting.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { calls, flush, finishNext };
}

describe('GroupCommit', () => {
  it('flushes a lone submission at once, with its items', async () => {
    const { calls, flush, finishNext } = controlledFlush();
    const commit = new GroupCommit(flush, 100);
    const done = commit.submit(['a', 'b']);
    await finishNext();
    await expect(done).resolves.toBe('a,b');
    expect(calls).toEqual([['a', 'b']]);
  });

  it('merges what arrives during a flush into the next one, in order, and gives each its flush result', async () => {
    const { calls, flush, finishNext } = controlledFlush();
    const commit = new GroupCommit(flush, 100);
    const first = commit.submit(['a']);
    const second = commit.submit(['b']);
    const third = commit.submit(['c', 'd']);
    await finishNext();
    await finishNext();
    expect(calls).toEqual([['a'], ['b', 'c', 'd']]);
    await expect(first).resolves.toBe('a');
    await expect(second).resolves.toBe('b,c,d');
    await expect(third).resolves.toBe('b,c,d');
  });

  it('puts no more than maxItems in one flush (a larger submission goes alone, whole)', async () => {
    const { calls, flush, finishNext } = controlledFlush();
    const commit = new GroupCommit(flush, 3);
    const all = [commit.submit(['a']), commit.submit(['b', 'c']), commit.submit(['d', 'e']), commit.submit(['f', 'g', 'h', 'i'])];
    for (let i = 0; i < 4; i++) await finishNext();
    await Promise.all(all);
    expect(calls).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f', 'g', 'h', 'i']]);
  });

  it('when a merged flush fails, flushes each submission alone: only the one that causes the error gets it', async () => {
    const { calls, flush, finishNext } = controlledFlush((items) => items.includes('bad'));
    const commit = new GroupCommit(flush, 100);
    const first = commit.submit(['a']);
    const good = commit.submit(['b']);
    const bad = commit.submit(['bad']);
    const rejected = expect(bad).rejects.toThrow('bad: bad');
    for (let i = 0; i < 4; i++) await finishNext();
    await expect(first).resolves.toBe('a');
    await expect(good).resolves.toBe('b');
    await rejected;
    expect(calls).toEqual([['a'], ['b', 'bad'], ['b'], ['bad']]);
  });

  it('starts again for a submission made after everything was flushed', async () => {
    const { calls, flush, finishNext } = controlledFlush();
    const commit = new GroupCommit(flush, 100);
    const first = commit.submit(['a']);
    await finishNext();
    await first;
    const second = commit.submit(['b']);
    await finishNext();
    await expect(second).resolves.toBe('b');
    expect(calls).toEqual([['a'], ['b']]);
  });
});
