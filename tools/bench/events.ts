// Synthetic feedback.requests.v1 events, as the requests service would publish
// them: valid against the contracts (events.spec.ts decodes them), test: false
// so analytics counts them, comments sealed with the stack's key ring, spread
// over many businesses and the last weeks' UTC days so analytics fills
// realistic business-day cells. Deterministic per index except ids and ciphertext.
import { randomUUID } from 'node:crypto';
import { feedbackCommentContext, type FeedbackRequested, type FeedbackSubmitted, type Survey } from '@feedback/contracts';
import type { KeyRing } from '@feedback/pii';

export const FEEDBACK_TOPIC = 'feedback.requests.v1';

export interface KafkaMessageOut {
  key: string;
  value: string;
}

export interface EventFactoryOptions {
  /** Makes request and person ids unique to this run and scenario. */
  scope: string;
  keyRing: KeyRing;
  /** Businesses the requests are spread over, round robin. */
  businesses: readonly string[];
  /** Requests are spread over this many UTC days back from `now`. */
  days: number;
  now?: () => number;
}

const DAY_MS = 86_400_000;
const COMMENTS = ['Quick and friendly.', 'Fine, but I had to wait a while.', 'Exactly what I needed, thank you!', 'Nobody answered my second message.'];
const CUSTOM_OPTIONS = ['Quick service', 'Friendly staff', 'Too slow'];

export function benchBusinesses(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, n) => `${prefix}-${n}`);
}

function envelope(type: string, data: object, occurredAt: string): string {
  return JSON.stringify({ id: randomUUID(), type, version: 1, occurredAt, source: 'bench', correlationId: randomUUID(), data });
}

/** An event's id, read back from its encoded value (for per-event latency bookkeeping). */
export function eventIdOf(message: KafkaMessageOut): string {
  return (JSON.parse(message.value) as { id: string }).id;
}

export class FeedbackEvents {
  private readonly now: () => number;

  constructor(private readonly o: EventFactoryOptions) {
    this.now = o.now ?? Date.now;
  }

  /** The facts of request number `i`: who, which business, which survey, when. */
  request(i: number) {
    const now = this.now();
    const businessId = this.o.businesses[i % this.o.businesses.length]!;
    // A different day for consecutive requests of one business, within the last `days` days.
    const dayBack = Math.floor(i / this.o.businesses.length) % this.o.days;
    const requestedAt = now - dayBack * DAY_MS - ((i * 7919) % 3_600_000);
    const survey: Survey = i % 5 < 2 ? { type: 'csat' } : i % 5 < 4 ? { type: 'nps' } : { type: 'custom', options: CUSTOM_OPTIONS };
    return {
      requestId: `bench-req-${this.o.scope}-${i}`,
      businessId,
      conversationId: `bench-conv-${this.o.scope}-${i}`,
      userId: `bench-person-${this.o.scope}-${i}`,
      requestedBy: `${businessId}-admin`,
      survey,
      requestedAt,
      submittedAt: Math.min(now, requestedAt + 60_000 + ((i * 104_729) % 7_200_000)),
    };
  }

  requested(i: number): KafkaMessageOut {
    const r = this.request(i);
    const data: FeedbackRequested = {
      requestId: r.requestId,
      businessId: r.businessId,
      test: false,
      conversationId: r.conversationId,
      userId: r.userId,
      requestedBy: r.requestedBy,
      survey: r.survey,
      requestedAt: new Date(r.requestedAt).toISOString(),
      expiresAt: new Date(r.requestedAt + 7 * DAY_MS).toISOString(),
    };
    return { key: r.requestId, value: envelope('FeedbackRequested', data, data.requestedAt) };
  }

  submitted(i: number): KafkaMessageOut {
    const r = this.request(i);
    const answer: Pick<FeedbackSubmitted, 'score' | 'option'> =
      r.survey.type === 'csat' ? { score: 1 + ((i * 31) % 5) } : r.survey.type === 'nps' ? { score: (i * 17) % 11 } : { option: CUSTOM_OPTIONS[i % CUSTOM_OPTIONS.length]! };
    const data: FeedbackSubmitted = {
      requestId: r.requestId,
      businessId: r.businessId,
      test: false,
      conversationId: r.conversationId,
      userId: r.userId,
      representativeIds: [`${r.businessId}-rep`],
      surveyType: r.survey.type,
      ...answer,
      // About a third of the people leave a comment: sealing and storing it is part of the work.
      ...(i % 3 === 0 ? { sealedComment: this.o.keyRing.seal(COMMENTS[i % COMMENTS.length]!, feedbackCommentContext(r.requestId)) } : {}),
      requestedAt: new Date(r.requestedAt).toISOString(),
      submittedAt: new Date(r.submittedAt).toISOString(),
    };
    return { key: r.requestId, value: envelope('FeedbackSubmitted', data, data.submittedAt) };
  }

  declined(i: number): KafkaMessageOut {
    const r = this.request(i);
    const data = { requestId: r.requestId, businessId: r.businessId, test: false, requestedAt: new Date(r.requestedAt).toISOString(), declinedAt: new Date(r.submittedAt).toISOString() };
    return { key: r.requestId, value: envelope('FeedbackDeclined', data, data.declinedAt) };
  }

  /** An answered request: FeedbackRequested then FeedbackSubmitted, on the same key (so in order). */
  answered(i: number): KafkaMessageOut[] {
    return [this.requested(i), this.submitted(i)];
  }

  /**
   * A request's whole life as analytics sees it: sent, then mostly answered,
   * sometimes declined, sometimes still pending (1.85 events on average).
   */
  lifecycle(i: number): KafkaMessageOut[] {
    const roll = (i * 7) % 20;
    if (roll < 14) return this.answered(i);
    if (roll < 17) return [this.requested(i), this.declined(i)];
    return [this.requested(i)];
  }
}
