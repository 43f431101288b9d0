import { completionFromCounts, percentile, ratePerSecond, summarize } from './stats.ts';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('is one of the samples: p50 of 1..100 is 50, p95 is 95, p99 is 99, p100 is the maximum', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
  });

  it('with few samples, a high percentile is the worst sample (no interpolation hides it)', () => {
    expect(percentile([1, 2, 3, 4, 500], 99)).toBe(500);
    expect(percentile([7], 50)).toBe(7);
  });

  it('is NaN without samples and refuses percentiles outside (0, 100]', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts the samples itself', () => {
    expect(summarize([30, 10, 20, 40])).toEqual({ count: 4, min: 10, mean: 25, p50: 20, p95: 40, p99: 40, max: 40 });
  });

  it('keeps an event that never completed (Infinity) in the tail, so p99 shows it', () => {
    const samples = [...Array.from({ length: 99 }, () => 5), Number.POSITIVE_INFINITY];
    expect(summarize(samples).p99).toBe(5);
    expect(summarize([...samples, Number.POSITIVE_INFINITY]).p99).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('ratePerSecond', () => {
  it('is items per second, NaN for no elapsed time', () => {
    expect(ratePerSecond(2000, 4000)).toBe(500);
    expect(ratePerSecond(10, 0)).toBeNaN();
  });
});

describe('completionFromCounts', () => {
  it('takes the k-th published event as done at the first sample whose count reached k', () => {
    const done = completionFromCounts(5, [
      { at: 100, count: 0 },
      { at: 150, count: 2 },
      { at: 200, count: 2 },
      { at: 250, count: 4 },
    ]);
    expect(done).toEqual([150, 150, 250, 250, undefined]);
  });
});
