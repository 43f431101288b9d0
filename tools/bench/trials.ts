// Paired trials of a system against its baseline, for a figure short enough to
// measure several times. One pair measured once moves with the machine's phase
// (runs twenty minutes apart differed by a tenth in the notifications ratio)
// and with the order of its two sides (the second runs on a warmer or a
// quieter machine). So the sides alternate which goes first, each pair's ratio
// is taken from its own two measurements, close in time, and the pair with the
// median ratio is reported, with every pair beside it.

export type Side = 'system' | 'baseline';

/** The order of the two sides in each of `trials` pairs: the system first, then the baseline first, in turn. */
export function alternatedOrder(trials: number): Side[][] {
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`trials must be a positive integer, got ${trials}`);
  return Array.from({ length: trials }, (_, i) => (i % 2 === 0 ? ['system', 'baseline'] : ['baseline', 'system']));
}

export interface PairedTrial {
  /** The system's rate and the baseline's, in the same unit (higher is better). */
  system: number;
  baseline: number;
}

/**
 * The pair whose ratio (system / baseline) is the median of all pairs: with an
 * odd count, the middle one; with an even count, the lower of the two middle
 * ones (never better than what was measured). Its two rates are reported
 * together, so the figure's ratio is one that a pair really had.
 */
export function medianPair<T extends PairedTrial>(trials: readonly T[]): T {
  if (trials.length === 0) throw new RangeError('no trials to take the median of');
  const byRatio = [...trials].sort((a, b) => a.system / a.baseline - b.system / b.baseline);
  return byRatio[Math.ceil(byRatio.length / 2) - 1]!;
}

/** Measures the two sides of one pair in `order`, one after the other. */
export async function measureInOrder<S, B>(order: readonly Side[], measure: { system: () => Promise<S>; baseline: () => Promise<B> }): Promise<{ system: S; baseline: B }> {
  const measured: { system?: S; baseline?: B } = {};
  for (const side of order) {
    if (side === 'system') measured.system = await measure.system();
    else measured.baseline = await measure.baseline();
  }
  if (measured.system === undefined || measured.baseline === undefined) throw new RangeError(`a pair measures both sides, got the order ${order.join(', ')}`);
  return { system: measured.system, baseline: measured.baseline };
}

/** How the figure was taken, for its note: "one pair", or the median of the pairs with every pair's ratio. */
export function pairsNote(trials: readonly PairedTrial[]): string {
  if (trials.length === 1) return 'one pair';
  return `median of ${trials.length} alternated pairs (${trials.map((t) => `${(t.system / t.baseline).toFixed(2)}x`).join(', ')})`;
}
