import type {
  FeedbackDeclined,
  FeedbackRequestExpired,
  FeedbackRequested,
  FeedbackSubmitted,
  InformationDeclined,
  InformationProvided,
  InformationRequestExpired,
  InformationRequested,
  ReportResolved,
  ReviewReported,
} from '@feedback/contracts';
import { CSAT_SCORES, NPS_SCORES, TIME_TO_ANSWER_BINS, type CounterKey, type TimeToAnswerBin } from './aggregates.types';
import { utcDay } from './calendar';
import type { PositionOf } from './people-sketch';

/**
 * What one event adds to one business-day. It carries counter keys, custom
 * labels and sketch positions only: no person id, contact detail or free text
 * survives this function (A1).
 */
export interface Contribution {
  businessId: string;
  /** The UTC day the event counts on (see `contributionOf`). */
  day: string;
  /** Counters incremented by one. */
  counters: CounterKey[];
  /** Custom-survey labels: `by: 1` counts an answer, `by: 0` registers an offered option. */
  customLabels: { label: string; by: 0 | 1 }[];
  /** Sketch positions of the people behind the event (A2). */
  people: number[];
}

export type ContributionDecision = { kind: 'count'; contribution: Contribution } | { kind: 'skip'; reason: string };

/** The events analytics reads, by type. */
export type CountedEvent =
  | { type: 'FeedbackRequested'; data: FeedbackRequested }
  | { type: 'FeedbackSubmitted'; data: FeedbackSubmitted }
  | { type: 'FeedbackDeclined'; data: FeedbackDeclined }
  | { type: 'FeedbackRequestExpired'; data: FeedbackRequestExpired }
  | { type: 'InformationRequested'; data: InformationRequested }
  | { type: 'InformationProvided'; data: InformationProvided }
  | { type: 'InformationDeclined'; data: InformationDeclined }
  | { type: 'InformationRequestExpired'; data: InformationRequestExpired }
  | { type: 'ReviewReported'; data: ReviewReported }
  | { type: 'ReportResolved'; data: ReportResolved };

export const COUNTED_EVENT_TYPES: ReadonlySet<string> = new Set<CountedEvent['type']>([
  'FeedbackRequested',
  'FeedbackSubmitted',
  'FeedbackDeclined',
  'FeedbackRequestExpired',
  'InformationRequested',
  'InformationProvided',
  'InformationDeclined',
  'InformationRequestExpired',
  'ReviewReported',
  'ReportResolved',
]);

export function timeToAnswerBin(requestedAt: string, answeredAt: string): TimeToAnswerBin {
  const ms = Math.max(0, Date.parse(answeredAt) - Date.parse(requestedAt));
  return TIME_TO_ANSWER_BINS.find((bin) => ms < bin.belowMs)!.key;
}

/**
 * Decides what an event adds, and to which business-day.
 *
 * Requests and everything that happens to them count on the UTC day the
 * request was SENT (a cohort): an answer, a decline or an expiry lands in the
 * same bucket as its request, whatever order the events arrive in, so
 * `answered / requested` is a true response rate. Reports count on the day
 * reported (reasons) and the day decided (decisions).
 *
 * Skipped: test requests (F15); erasures (the aggregates hold no answer to
 * erase, and removing one would need a per-request record, which A1 rules out);
 * events that carry no countable fact (documentation, misuse flags, identification).
 */
export function contributionOf(event: CountedEvent, positionOf: PositionOf): ContributionDecision {
  const count = (businessId: string, at: string, counters: CounterKey[], people: string[] = [], customLabels: Contribution['customLabels'] = []): ContributionDecision => ({
    kind: 'count',
    contribution: { businessId, day: utcDay(at), counters, customLabels, people: [...new Set(people.map(positionOf))] },
  });
  switch (event.type) {
    case 'FeedbackRequested': {
      const e = event.data;
      if (e.test) return { kind: 'skip', reason: 'test request (F15)' };
      const offered = e.survey.type === 'custom' ? e.survey.options.map((label) => ({ label, by: 0 as const })) : [];
      return count(e.businessId, e.requestedAt, ['feedback.requested'], [e.userId], offered);
    }
    case 'FeedbackSubmitted': {
      const e = event.data;
      if (e.test) return { kind: 'skip', reason: 'test request (F15)' };
      const counters: CounterKey[] = ['feedback.answered', `feedback.timeToAnswer.${timeToAnswerBin(e.requestedAt, e.submittedAt)}`];
      const score = e.score === undefined ? undefined : String(e.score);
      if (e.surveyType === 'csat' && score && (CSAT_SCORES as readonly string[]).includes(score)) counters.push(`feedback.csat.${score as (typeof CSAT_SCORES)[number]}`);
      if (e.surveyType === 'nps' && score && (NPS_SCORES as readonly string[]).includes(score)) counters.push(`feedback.nps.${score as (typeof NPS_SCORES)[number]}`);
      const chosen = e.surveyType === 'custom' && e.option ? [{ label: e.option, by: 1 as const }] : [];
      return count(e.businessId, e.requestedAt, counters, [e.userId], chosen);
    }
    case 'FeedbackDeclined':
      return event.data.test ? { kind: 'skip', reason: 'test request (F15)' } : count(event.data.businessId, event.data.requestedAt, ['feedback.declined']);
    case 'FeedbackRequestExpired':
      return event.data.test ? { kind: 'skip', reason: 'test request (F15)' } : count(event.data.businessId, event.data.requestedAt, ['feedback.expired']);
    case 'InformationRequested':
      return count(event.data.businessId, event.data.requestedAt, ['information.requested'], [event.data.reviewerId]);
    case 'InformationProvided': {
      const e = event.data;
      const fields = [...new Set(e.sharedFields)].map((field) => `information.sharedFields.${field}` as const);
      return count(e.businessId, e.requestedAt, ['information.answered', `information.timeToAnswer.${timeToAnswerBin(e.requestedAt, e.providedAt)}`, ...fields]);
    }
    case 'InformationDeclined':
      return count(event.data.businessId, event.data.requestedAt, ['information.declined']);
    case 'InformationRequestExpired':
      return count(event.data.businessId, event.data.requestedAt, ['information.expired']);
    case 'ReviewReported':
      return count(event.data.businessId, event.data.reportedAt, [`reports.byReason.${event.data.reason}`]);
    case 'ReportResolved':
      return count(event.data.businessId, event.data.decidedAt, [`reports.byDecision.${event.data.decision}`]);
  }
}
