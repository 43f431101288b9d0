import {
  CSAT_SCORES,
  NPS_SCORES,
  REPORT_DECISIONS,
  REPORT_REASONS,
  SHARED_FIELDS,
  TIME_TO_ANSWER_BINS,
  addCounts,
  emptyCounts,
  type CounterKey,
  type Counts,
  type TimeToAnswerBin,
} from './aggregates.types';
import { daysIn, periodsIn, type Granularity } from './calendar';
import { noisyCount, type NoiseSettings } from './noise.policy';
import { isReleasable, type MonthPlan } from './release.policy';

/** What a suppressed figure is published as (DESIGN.md 3.3). */
export interface Suppressed {
  suppressed: true;
}
export const SUPPRESSED: Suppressed = Object.freeze({ suppressed: true as const });
/** A count, or suppressed. */
export type Figure = number | Suppressed;
/** A ratio or mean: null when there is nothing to divide by. */
export type Ratio = number | null | Suppressed;

export interface FeedbackFigures {
  requested: Figure;
  answered: Figure;
  declined: Figure;
  expired: Figure;
  /** answered / requested of the requests sent in the bucket. */
  responseRate: Ratio;
  csat: { count: Figure; mean: Ratio; distribution: Record<(typeof CSAT_SCORES)[number], Figure> };
  /** score = 100 × (promoters − detractors) / count; promoters 9–10, passives 7–8, detractors 0–6. */
  nps: { count: Figure; score: Ratio; promoters: Figure; passives: Figure; detractors: Figure };
  /** Answers per option label of custom surveys. */
  custom: Record<string, Figure>;
  timeToAnswer: Record<TimeToAnswerBin, Figure>;
}

export interface InformationFigures {
  requested: Figure;
  answered: Figure;
  declined: Figure;
  expired: Figure;
  /** How many people chose to share each field (names only, never values). */
  sharedFields: Record<(typeof SHARED_FIELDS)[number], Figure>;
  timeToAnswer: Record<TimeToAnswerBin, Figure>;
}

export interface ReportFigures {
  byReason: Record<(typeof REPORT_REASONS)[number], Figure>;
  byDecision: Record<(typeof REPORT_DECISIONS)[number], Figure>;
}

export interface GroupFigures {
  feedback: FeedbackFigures;
  information: InformationFigures;
  reports: ReportFigures;
}

export interface Bucket extends GroupFigures {
  /** First day of the bucket (inside the range). */
  start: string;
  /** Last day of the bucket (inside the range). */
  end: string;
}

export interface StatsBody {
  /** null for the overview (every business). */
  businessId: string | null;
  from: string;
  to: string;
  granularity: Granularity;
  k: number;
  /** Present when figures carry Laplace noise. */
  noise?: { epsilon: number };
  buckets: Bucket[];
  totals: GroupFigures;
}

export interface StatsQuery {
  businessId: string | null;
  from: string;
  to: string;
  granularity: Granularity;
  k: number;
}

export interface StatsData {
  /** Counts per day (days without data may be missing). */
  countsByDay: ReadonlyMap<string, Counts>;
  /** The release plan of every month the range touches that holds data. */
  plans: ReadonlyMap<string, MonthPlan>;
  noise?: NoiseSettings;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));
const record = <K extends string>(keys: readonly K[], value: (key: K) => Figure) => Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<K, Figure>;

/**
 * The figures of one group; every figure is `suppressed` when the group may not be published.
 * `customLabels` lists the custom-survey options to show (default: the group's own).
 */
export function groupFigures(counts: Counts, publishable: boolean, figureId: string, noise?: NoiseSettings, customLabels?: readonly string[]): GroupFigures {
  const n = (key: CounterKey): number => noisyCount(counts.counters[key] ?? 0, `${figureId}|${key}`, noise);
  const sum = (keys: readonly CounterKey[]) => keys.reduce((total, key) => total + n(key), 0);
  const labels = [...(customLabels ?? Object.keys(counts.custom))].sort((a, b) => a.localeCompare(b));
  const bins = TIME_TO_ANSWER_BINS.map((b) => b.key);

  if (!publishable) {
    const hide = () => SUPPRESSED;
    return {
      feedback: {
        requested: SUPPRESSED,
        answered: SUPPRESSED,
        declined: SUPPRESSED,
        expired: SUPPRESSED,
        responseRate: SUPPRESSED,
        csat: { count: SUPPRESSED, mean: SUPPRESSED, distribution: record(CSAT_SCORES, hide) },
        nps: { count: SUPPRESSED, score: SUPPRESSED, promoters: SUPPRESSED, passives: SUPPRESSED, detractors: SUPPRESSED },
        custom: record(labels, hide),
        timeToAnswer: record(bins, hide),
      },
      information: { requested: SUPPRESSED, answered: SUPPRESSED, declined: SUPPRESSED, expired: SUPPRESSED, sharedFields: record(SHARED_FIELDS, hide), timeToAnswer: record(bins, hide) },
      reports: { byReason: record(REPORT_REASONS, hide), byDecision: record(REPORT_DECISIONS, hide) },
    };
  }

  const requested = n('feedback.requested');
  const answered = n('feedback.answered');
  const csat = record(CSAT_SCORES, (s) => n(`feedback.csat.${s}`));
  const csatCount = CSAT_SCORES.reduce((total, s) => total + (csat[s] as number), 0);
  const csatSum = CSAT_SCORES.reduce((total, s) => total + Number(s) * (csat[s] as number), 0);
  const promoters = sum(['feedback.nps.9', 'feedback.nps.10']);
  const passives = sum(['feedback.nps.7', 'feedback.nps.8']);
  const detractors = sum(NPS_SCORES.filter((s) => Number(s) <= 6).map((s) => `feedback.nps.${s}` as const));
  const npsCount = promoters + passives + detractors;
  return {
    feedback: {
      requested,
      answered,
      declined: n('feedback.declined'),
      expired: n('feedback.expired'),
      responseRate: requested > 0 ? round(Math.min(1, answered / requested), 4) : null,
      csat: { count: csatCount, mean: csatCount > 0 ? round(csatSum / csatCount, 2) : null, distribution: csat },
      nps: { count: npsCount, score: npsCount > 0 ? round((100 * (promoters - detractors)) / npsCount, 1) : null, promoters, passives, detractors },
      custom: record(labels, (label) => noisyCount(counts.custom[label] ?? 0, `${figureId}|custom|${label}`, noise)),
      timeToAnswer: record(bins, (b) => n(`feedback.timeToAnswer.${b}`)),
    },
    information: {
      requested: n('information.requested'),
      answered: n('information.answered'),
      declined: n('information.declined'),
      expired: n('information.expired'),
      sharedFields: record(SHARED_FIELDS, (f) => n(`information.sharedFields.${f}`)),
      timeToAnswer: record(bins, (b) => n(`information.timeToAnswer.${b}`)),
    },
    reports: {
      byReason: record(REPORT_REASONS, (r) => n(`reports.byReason.${r}`)),
      byDecision: record(REPORT_DECISIONS, (d) => n(`reports.byDecision.${d}`)),
    },
  };
}

function countsOver(data: StatsData, from: string, to: string): Counts {
  const total = emptyCounts();
  for (const day of daysIn(from, to)) {
    const counts = data.countsByDay.get(day);
    if (counts) addCounts(total, counts);
  }
  return total;
}

/**
 * The stats body of DESIGN.md 3.3: one bucket per day, ISO week or month of
 * the range (clipped to it) and the totals of the range; each group published
 * whole or, when the release policy says so, suppressed figure by figure.
 */
export function buildStats(query: StatsQuery, data: StatsData): StatsBody {
  const scope = query.businessId ?? '*';
  // Every bucket lists the same custom options (those offered in the range), so columns line up.
  const labels = Object.keys(countsOver(data, query.from, query.to).custom);
  const group = (from: string, to: string) =>
    groupFigures(countsOver(data, from, to), isReleasable(data.plans, from, to), `${scope}|${from}|${to}`, data.noise, labels);
  return {
    businessId: query.businessId,
    from: query.from,
    to: query.to,
    granularity: query.granularity,
    k: query.k,
    ...(data.noise ? { noise: { epsilon: data.noise.epsilon } } : {}),
    buckets: periodsIn(query.from, query.to, query.granularity).map((period) => ({ start: period.start, end: period.end, ...group(period.start, period.end) })),
    totals: group(query.from, query.to),
  };
}
