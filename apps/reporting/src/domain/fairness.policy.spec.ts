import { binomialUpperTail, decideFlag, evaluateFairness, isNegativeRating, selectiveReportingMeter } from './fairness.policy';

/** Relative closeness: tails span many orders of magnitude. */
const expectRelativelyClose = (actual: number, expected: number, relative = 1e-9) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * relative);

describe('binomialUpperTail: P(X >= k) for X ~ Binomial(n, p), against hand-computed values', () => {
  it.each([
    // All ten reports negative while 30% of reviews are: 0.3^10.
    [10, 10, 0.3, 0.3 ** 10],
    // At least one: 1 - 0.7^10.
    [10, 1, 0.3, 1 - 0.7 ** 10],
    // (C(10,9) + C(10,10)) / 2^10 = 11/1024.
    [10, 9, 0.5, 11 / 1024],
    // (C(10,8) + C(10,9) + C(10,10)) / 2^10 = 56/1024.
    [10, 8, 0.5, 56 / 1024],
    // C(5,3)·0.2³·0.8² + C(5,4)·0.2⁴·0.8 + 0.2⁵ = 0.0512 + 0.0064 + 0.00032.
    [5, 3, 0.2, 0.05792],
    // (C(30,27) + C(30,28) + C(30,29) + C(30,30)) / 2^30 = 4526 / 2^30.
    [30, 27, 0.5, 4526 / 2 ** 30],
    // 1 - P(X<=2) = 1 - (0.7^10 + 10·0.3·0.7^9 + 45·0.09·0.7^8).
    [10, 3, 0.3, 1 - (0.7 ** 10 + 10 * 0.3 * 0.7 ** 9 + 45 * 0.09 * 0.7 ** 8)],
    // Symmetric around the mean: 1/2 + P(X=500)/2, P(X=500) = C(1000,500)/2^1000 (computed with exact fractions).
    [1000, 500, 0.5, 0.5126125090891804],
  ])('n=%d, k=%d, p=%d', (n, k, p, expected) => {
    expectRelativelyClose(binomialUpperTail(n, k, p), expected);
  });

  it('handles the edges exactly', () => {
    expect(binomialUpperTail(10, 0, 0.3)).toBe(1);
    expect(binomialUpperTail(10, 11, 0.3)).toBe(0);
    expect(binomialUpperTail(10, 1, 0)).toBe(0);
    expect(binomialUpperTail(10, 10, 1)).toBe(1);
    expect(binomialUpperTail(0, 0, 0.5)).toBe(1);
  });

  it('stays finite and precise for large n with tiny tails', () => {
    const tail = binomialUpperTail(5000, 5000, 0.5);
    expect(tail).toBeGreaterThanOrEqual(0);
    expect(binomialUpperTail(200, 200, 0.9)).toBeCloseTo(0.9 ** 200, 15);
    expectRelativelyClose(binomialUpperTail(200, 200, 0.9), 0.9 ** 200, 1e-9);
  });

  it('refuses nonsense input', () => {
    expect(() => binomialUpperTail(10, 2, 1.5)).toThrow();
    expect(() => binomialUpperTail(-1, 0, 0.5)).toThrow();
    expect(() => binomialUpperTail(10, 2.5, 0.5)).toThrow();
  });
});

describe('evaluateFairness (R6)', () => {
  it('flags a business whose 10 reports are all of its negative reviews, 30% of its reviews', () => {
    const evaluation = evaluateFairness({ reports: 10, negativeReports: 10, reviews: 100, negativeReviews: 30 });
    expect(evaluation.significant).toBe(true);
    expectRelativelyClose(evaluation.pValue!, 0.3 ** 10);
  });

  it('does not flag below 10 reports, however one-sided', () => {
    const evaluation = evaluateFairness({ reports: 9, negativeReports: 9, reviews: 100, negativeReviews: 30 });
    expect(evaluation).toMatchObject({ eligible: false, significant: false });
    expect(evaluation.pValue).toBeLessThan(0.01);
  });

  it('does not flag a business reporting in proportion', () => {
    const evaluation = evaluateFairness({ reports: 10, negativeReports: 3, reviews: 100, negativeReviews: 30 });
    expect(evaluation.significant).toBe(false);
    expect(evaluation.pValue).toBeCloseTo(0.6172172136, 9);
  });

  it('is a statistical test, not a fixed ratio: 90% negative against 50% passes at 10 reports and fails at 30', () => {
    expect(evaluateFairness({ reports: 10, negativeReports: 9, reviews: 200, negativeReviews: 100 }).significant).toBe(false);
    expect(evaluateFairness({ reports: 30, negativeReports: 27, reviews: 200, negativeReviews: 100 }).significant).toBe(true);
  });

  it('uses p < 0.01 strictly', () => {
    // 11/1024 = 0.0107 > 0.01; 1/1024 = 0.00098 < 0.01.
    expect(evaluateFairness({ reports: 10, negativeReports: 9, reviews: 10, negativeReviews: 5 }).significant).toBe(false);
    expect(evaluateFairness({ reports: 10, negativeReports: 10, reviews: 10, negativeReviews: 5 }).significant).toBe(true);
  });

  it('never flags a business whose reviews are all negative, or that has nothing to test', () => {
    expect(evaluateFairness({ reports: 20, negativeReports: 20, reviews: 20, negativeReviews: 20 })).toMatchObject({ pValue: 1, significant: false });
    expect(evaluateFairness({ reports: 0, negativeReports: 0, reviews: 20, negativeReviews: 5 })).toEqual({ pValue: null, eligible: false, significant: false });
  });
});

describe('decideFlag', () => {
  const significant = { pValue: 0.001, eligible: true, significant: true };
  const fine = { pValue: 0.4, eligible: true, significant: false };
  it('raises a flag once, keeps it while significant, clears it when no longer', () => {
    expect(decideFlag(significant, false)).toBe('raise');
    expect(decideFlag(significant, true)).toBe('keep');
    expect(decideFlag(fine, true)).toBe('clear');
    expect(decideFlag(fine, false)).toBe('keep');
  });
});

describe('selectiveReportingMeter (R7)', () => {
  it('shows the shares side by side, before any flag', () => {
    expect(selectiveReportingMeter({ reports: 4, negativeReports: 4, reviews: 50, negativeReviews: 12 }, false)).toMatchObject({
      reports: 4,
      negativeReports: 4,
      reportsNegativeShare: 1,
      reviews: 50,
      negativeReviews: 12,
      reviewsNegativeShare: 0.24,
      flagged: false,
      level: 'caution',
      minimumReports: 10,
      significanceLevel: 0.01,
    });
  });

  it('says ok for reporting in proportion and flagged once flagged', () => {
    expect(selectiveReportingMeter({ reports: 12, negativeReports: 3, reviews: 50, negativeReviews: 12 }, false)).toMatchObject({ level: 'ok', reportsNegativeShare: 0.25 });
    expect(selectiveReportingMeter({ reports: 12, negativeReports: 12, reviews: 50, negativeReviews: 12 }, true)).toMatchObject({ level: 'flagged', flagged: true });
    expect(selectiveReportingMeter({ reports: 0, negativeReports: 0, reviews: 0, negativeReviews: 0 }, false)).toMatchObject({ reportsNegativeShare: 0, reviewsNegativeShare: 0, pValue: null, level: 'ok' });
  });

  it('counts ratings 1 and 2 as negative', () => {
    expect([1, 2, 3, 4, 5].map(isNegativeRating)).toEqual([true, true, false, false, false]);
  });
});
