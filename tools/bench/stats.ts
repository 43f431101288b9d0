// Pure statistics of the bench: percentiles of latency samples and rates.

/**
 * Nearest-rank percentile (the smallest sample with at least p % of the samples
 * at or below it): always one of the measured values, never an interpolation,
 * so a p99 of 5 samples is honestly the worst of them. NaN for no samples.
 */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (sortedAscending.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length, Math.max(1, rank)) - 1]!;
}

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Summary of latency samples (any order, milliseconds). */
export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, x) => total + x, 0);
  return {
    count: sorted.length,
    min: sorted.length ? sorted[0]! : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

/** Items per second; NaN when no time passed (a rate of an instant means nothing). */
export function ratePerSecond(items: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (items * 1000) / elapsedMs : Number.NaN;
}

/**
 * Completion times estimated from a counter polled over time, for sinks that
 * keep no per-event timestamp: the k-th event published (in `publishedAt`
 * order) is taken as done at the first sample whose count reached k. With
 * several partitions the order is not strictly first-in-first-out, so this is
 * an approximation, good to one polling interval plus the partition skew.
 * Events never reached get undefined.
 */
export function completionFromCounts(publishedCount: number, samples: readonly { at: number; count: number }[]): (number | undefined)[] {
  const done: (number | undefined)[] = new Array<number | undefined>(publishedCount).fill(undefined);
  let k = 0;
  for (const sample of samples) {
    while (k < publishedCount && sample.count >= k + 1) done[k++] = sample.at;
  }
  return done;
}
