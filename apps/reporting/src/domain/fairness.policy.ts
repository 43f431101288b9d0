/**
 * The fairness monitor (R6, R7): does a business report its negative reviews
 * far more often than their share among all its reviews would explain?
 *
 * Null hypothesis: the business picks the reviews it reports without regard
 * to their rating, so each report is of a negative review (rating <= 2) with
 * probability p0 = negativeReviews / reviews. Under it, the number X of
 * negative reviews among n reports is Binomial(n, p0). The one-sided exact
 * p-value of the observed k is P(X >= k). The business is flagged when that
 * is below SIGNIFICANCE_LEVEL and it has at least MIN_REPORTS_FOR_FLAG
 * reports (too few reports prove nothing either way).
 */

/** Ratings at or below this are negative. */
export const NEGATIVE_RATING_MAX = 2;
export const SIGNIFICANCE_LEVEL = 0.01;
export const MIN_REPORTS_FOR_FLAG = 10;
/** Below this p-value the business is warned in its meter, before any flag (R7). */
export const CAUTION_LEVEL = 0.05;

export const isNegativeRating = (rating: number): boolean => rating <= NEGATIVE_RATING_MAX;

/** What the test is computed from, for one business. */
export interface ReportingFigures {
  reports: number;
  negativeReports: number;
  reviews: number;
  negativeReviews: number;
}

export interface FairnessEvaluation {
  /** P(X >= negativeReports) under the null hypothesis; null while there is nothing to test. */
  pValue: number | null;
  /** Enough reports to flag on. */
  eligible: boolean;
  /** Eligible and p < SIGNIFICANCE_LEVEL. */
  significant: boolean;
}

/** The business's own view of its reporting (R7). */
export interface SelectiveReportingMeter extends ReportingFigures {
  reportsNegativeShare: number;
  reviewsNegativeShare: number;
  flagged: boolean;
  pValue: number | null;
  significanceLevel: number;
  minimumReports: number;
  /** `flagged`: under review for selective reporting; `caution`: heading there; `ok` otherwise. */
  level: 'ok' | 'caution' | 'flagged';
}

/** ln(i!) for i = 0..n, by summing logarithms: exact to rounding for every n the platform sees. */
function logFactorials(n: number): Float64Array {
  const table = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) table[i] = table[i - 1]! + Math.log(i);
  return table;
}

/**
 * P(X >= k) for X ~ Binomial(n, p), summed exactly term by term in log space
 * (log-sum-exp), so tiny tails such as 0.3^10 keep their relative precision.
 */
export function binomialUpperTail(n: number, k: number, p: number): number {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(k)) throw new Error(`binomialUpperTail needs integers n >= 0 and k, got n=${n}, k=${k}`);
  if (!(p >= 0 && p <= 1)) throw new Error(`binomialUpperTail needs 0 <= p <= 1, got ${p}`);
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const lnFact = logFactorials(n);
  const lnP = Math.log(p);
  const lnQ = Math.log1p(-p);
  const logTerms: number[] = [];
  let max = -Infinity;
  for (let i = k; i <= n; i++) {
    const term = lnFact[n]! - lnFact[i]! - lnFact[n - i]! + i * lnP + (n - i) * lnQ;
    logTerms.push(term);
    if (term > max) max = term;
  }
  const sum = logTerms.reduce((acc, term) => acc + Math.exp(term - max), 0);
  return Math.min(1, Math.exp(max + Math.log(sum)));
}

/** Runs the one-sided exact binomial test on a business's figures. */
export function evaluateFairness(figures: ReportingFigures): FairnessEvaluation {
  if (figures.reports === 0 || figures.reviews === 0) return { pValue: null, eligible: false, significant: false };
  // Reports are of the business's own reviews, so the share can't exceed 1; clamp in case a review was counted late.
  const p0 = Math.min(1, figures.negativeReviews / figures.reviews);
  const pValue = binomialUpperTail(figures.reports, Math.min(figures.negativeReports, figures.reports), p0);
  const eligible = figures.reports >= MIN_REPORTS_FOR_FLAG;
  return { pValue, eligible, significant: eligible && pValue < SIGNIFICANCE_LEVEL };
}

/**
 * What to do with the business's flag after an evaluation: raise a new one
 * (emitting ReportingMisuseFlagged once), clear the active one when the test
 * is no longer significant, or leave things as they are.
 */
export function decideFlag(evaluation: FairnessEvaluation, hasActiveFlag: boolean): 'raise' | 'clear' | 'keep' {
  if (evaluation.significant && !hasActiveFlag) return 'raise';
  if (!evaluation.significant && hasActiveFlag && evaluation.pValue !== null) return 'clear';
  return 'keep';
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000);

/** The selective-reporting meter a business sees in its report listing (R7). */
export function selectiveReportingMeter(figures: ReportingFigures, flagged: boolean): SelectiveReportingMeter {
  const { pValue } = evaluateFairness(figures);
  const level = flagged ? 'flagged' : pValue !== null && pValue < CAUTION_LEVEL && figures.negativeReports > 0 ? 'caution' : 'ok';
  return {
    reports: figures.reports,
    negativeReports: figures.negativeReports,
    reportsNegativeShare: share(figures.negativeReports, figures.reports),
    reviews: figures.reviews,
    negativeReviews: figures.negativeReviews,
    reviewsNegativeShare: share(figures.negativeReviews, figures.reviews),
    flagged,
    pValue,
    significanceLevel: SIGNIFICANCE_LEVEL,
    minimumReports: MIN_REPORTS_FOR_FLAG,
    level,
  };
}
