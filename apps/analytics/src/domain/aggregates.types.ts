/**
 * What analytics keeps: counts per business and UTC day, nothing else (A1).
 * A figure is a counter key (`feedback.csat.4`) or a custom-survey label; sums
 * of day counts are counts, so weeks, months, totals and the overview are all
 * sums of days.
 */

export const REQUEST_OUTCOMES = ['requested', 'answered', 'declined', 'expired'] as const;
export const CSAT_SCORES = ['1', '2', '3', '4', '5'] as const;
export const NPS_SCORES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] as const;
export const SHARED_FIELDS = ['email', 'referenceNumber', 'fullName', 'phone'] as const;
export const REPORT_REASONS = ['not_genuine_experience', 'spam', 'harmful', 'conflict_of_interest', 'other'] as const;
export const REPORT_DECISIONS = ['removed', 'kept'] as const;

/** Time from request to answer, in these bins (upper bounds exclusive). */
export const TIME_TO_ANSWER_BINS = [
  { key: 'under1h', belowMs: 3_600_000 },
  { key: '1hTo6h', belowMs: 6 * 3_600_000 },
  { key: '6hTo24h', belowMs: 24 * 3_600_000 },
  { key: '1dTo3d', belowMs: 3 * 86_400_000 },
  { key: '3dTo7d', belowMs: 7 * 86_400_000 },
  { key: 'over7d', belowMs: Number.POSITIVE_INFINITY },
] as const;
export type TimeToAnswerBin = (typeof TIME_TO_ANSWER_BINS)[number]['key'];

export type CounterKey =
  | `feedback.${(typeof REQUEST_OUTCOMES)[number]}`
  | `feedback.csat.${(typeof CSAT_SCORES)[number]}`
  | `feedback.nps.${(typeof NPS_SCORES)[number]}`
  | `feedback.timeToAnswer.${TimeToAnswerBin}`
  | `information.${(typeof REQUEST_OUTCOMES)[number]}`
  | `information.sharedFields.${(typeof SHARED_FIELDS)[number]}`
  | `information.timeToAnswer.${TimeToAnswerBin}`
  | `reports.byReason.${(typeof REPORT_REASONS)[number]}`
  | `reports.byDecision.${(typeof REPORT_DECISIONS)[number]}`;

/** Every counter, in the order the API and the CSV list them. */
export const COUNTER_KEYS: readonly CounterKey[] = [
  ...REQUEST_OUTCOMES.map((o) => `feedback.${o}` as const),
  ...CSAT_SCORES.map((s) => `feedback.csat.${s}` as const),
  ...NPS_SCORES.map((s) => `feedback.nps.${s}` as const),
  ...TIME_TO_ANSWER_BINS.map((b) => `feedback.timeToAnswer.${b.key}` as const),
  ...REQUEST_OUTCOMES.map((o) => `information.${o}` as const),
  ...SHARED_FIELDS.map((f) => `information.sharedFields.${f}` as const),
  ...TIME_TO_ANSWER_BINS.map((b) => `information.timeToAnswer.${b.key}` as const),
  ...REPORT_REASONS.map((r) => `reports.byReason.${r}` as const),
  ...REPORT_DECISIONS.map((d) => `reports.byDecision.${d}` as const),
];
const COUNTER_KEY_SET = new Set<string>(COUNTER_KEYS);
export const isCounterKey = (key: string): key is CounterKey => COUNTER_KEY_SET.has(key);

/** The counts of one group (a business-day, or any sum of them). */
export interface Counts {
  counters: Partial<Record<CounterKey, number>>;
  /** Custom-survey answers per option label; an offered but unchosen label counts 0. */
  custom: Record<string, number>;
}

export const emptyCounts = (): Counts => ({ counters: {}, custom: {} });

export function addCounts(into: Counts, more: Counts): Counts {
  for (const [key, value] of Object.entries(more.counters) as [CounterKey, number][]) into.counters[key] = (into.counters[key] ?? 0) + value;
  for (const [label, value] of Object.entries(more.custom)) into.custom[label] = (into.custom[label] ?? 0) + value;
  return into;
}

/** True when nothing at all was counted (not even an offered custom label). */
export function isEmpty(counts: Counts): boolean {
  return Object.values(counts.counters).every((v) => !v) && Object.keys(counts.custom).length === 0;
}

/** One business-day as the release policy sees it: whether it holds data, and its people sketch. */
export interface Cell {
  businessId: string;
  day: string;
  hasData: boolean;
  /** Sketch positions of the people behind the cell (see people-sketch.ts). */
  people: readonly number[];
}
