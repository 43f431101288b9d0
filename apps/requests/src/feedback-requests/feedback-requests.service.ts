import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { feedbackCommentContext, feedbackRequestsTopic, type Survey } from '@feedback/contracts';
import { DomainError } from '@feedback/http';
import { EventPublisher } from '@feedback/messaging';
import { KeyRing } from '@feedback/pii';
import { OutboxRelay, outboxEntry } from '@feedback/service-kit';
import { decideFeedbackRequest, validateAnswer, type AnswerErrors } from '../domain/feedback-request.policy';
import type { FeedbackAnswer, FeedbackRequest } from '../domain/feedback-request.types';
import { decideResponse, type Refusal } from '../domain/information-request.policy';
import { DirectoryRepository } from '../directory/adapters/mongo/directory.repository';
import { RequestsSettings } from '../requests-settings';
import { FeedbackRequestRepository, type StoredFeedbackRequest } from './adapters/mongo/feedback-request.repository';
import { FEEDBACK_REQUESTS } from './adapters/mongo/feedback-request.schema';
import { RecipientQuotaRepository } from './adapters/mongo/recipient-quota.repository';

const fail = (refusal: Refusal) => new DomainError(refusal.status, refusal.code, refusal.message);
const DAY_MS = 86_400_000;

/** Thrown when an answer has field problems; the form shows them beside the fields. */
export class AnswerInvalid extends DomainError {
  constructor(
    message: string,
    readonly fieldErrors: AnswerErrors,
  ) {
    super(400, 'validation_failed', message, { fields: Object.entries(fieldErrors).map(([field, problem]) => ({ field, problems: [problem] })) });
  }
}

export interface NewFeedbackRequest {
  conversationId: string;
  userId: string;
  survey: Survey;
  test: boolean;
}

/** Feedback requests: ask after a conversation (F1, F3, F11, F14), answer once (F4, F6), decline or expire (F5). */
@Injectable()
export class FeedbackRequestsService {
  private readonly log = new Logger('FeedbackRequests');

  constructor(
    private readonly requests: FeedbackRequestRepository,
    private readonly quotas: RecipientQuotaRepository,
    private readonly directory: DirectoryRepository,
    private readonly publisher: EventPublisher,
    private readonly relay: OutboxRelay,
    private readonly settings: RequestsSettings,
    private readonly keyRing: KeyRing,
  ) {}

  async request(businessId: string, requestedBy: string, input: NewFeedbackRequest): Promise<FeedbackRequest> {
    const now = new Date();
    const [conversation, existing, business, businessSettings] = await Promise.all([
      this.directory.findConversation(input.conversationId),
      this.requests.findByConversation(input.conversationId),
      this.directory.findBusiness(businessId),
      this.directory.findSettings(businessId),
    ]);
    const windowMs = businessSettings.feedbackWindowDays ? businessSettings.feedbackWindowDays * DAY_MS : this.settings.feedbackRequestWindowMs;
    const id = randomUUID();

    // The F14 counter is checked and taken in one compare-and-set, with the other rules decided on the same snapshot.
    const reservation = await this.quotas.reserve(input.userId, now, (sends) => {
      const decision = decideFeedbackRequest({
        businessId,
        userId: input.userId,
        conversation,
        existing,
        privacyPolicyUrl: business?.privacyPolicyUrl,
        sends,
        limits: this.settings.recipientLimits,
        now,
        windowMs,
      });
      return decision.ok
        ? { reserved: true as const, value: decision.value, send: { businessId, at: now, requestId: id } }
        : { reserved: false as const, reason: decision.refusal };
    });
    if (!reservation.reserved) throw fail(reservation.reason);
    const { expiresAt } = reservation.value;

    const request: FeedbackRequest = {
      id,
      businessId,
      conversationId: input.conversationId,
      userId: input.userId,
      representativeIds: conversation!.representativeIds,
      requestedBy,
      survey: input.survey,
      test: input.test,
      status: 'pending',
      requestedAt: now,
      expiresAt,
    };
    const correlationId = randomUUID();
    const requested = this.publisher.build(
      feedbackRequestsTopic,
      'FeedbackRequested',
      {
        requestId: id,
        businessId,
        test: input.test,
        conversationId: input.conversationId,
        userId: input.userId,
        requestedBy,
        survey: input.survey,
        requestedAt: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
      },
      { correlationId, occurredAt: now },
    );
    if (!(await this.requests.create(request, correlationId, [outboxEntry(feedbackRequestsTopic, requested)]))) {
      await this.quotas.release(input.userId, id);
      throw new DomainError(409, 'already_requested', 'feedback was already requested for this conversation');
    }
    void this.relay.flush(FEEDBACK_REQUESTS, id);
    return request;
  }

  find(id: string): Promise<StoredFeedbackRequest | undefined> {
    return this.requests.findById(id);
  }

  async answerable(target: string | StoredFeedbackRequest): Promise<StoredFeedbackRequest> {
    // Given the request the caller has just read (the respondent form), it is not read again.
    const request = typeof target === 'string' ? await this.requests.findById(target) : target;
    if (!request) throw new DomainError(404, 'not_found', 'this link does not lead to a request');
    const decision = decideResponse(request, new Date());
    if (!decision.ok) throw fail(decision.refusal);
    return request;
  }

  /** The one answer (F6): validated against the survey, then sent to feedback-store in FeedbackSubmitted. */
  async answer(target: string | StoredFeedbackRequest, input: FeedbackAnswer): Promise<StoredFeedbackRequest> {
    const request = await this.answerable(target);
    const id = request.id;
    const validation = validateAnswer(request.survey, input);
    if (!validation.ok) throw new AnswerInvalid(validation.refusal.message, validation.errors ?? {});
    const now = new Date();
    const submitted = this.publisher.build(
      feedbackRequestsTopic,
      'FeedbackSubmitted',
      {
        requestId: id,
        businessId: request.businessId,
        test: request.test,
        conversationId: request.conversationId,
        userId: request.userId,
        representativeIds: request.representativeIds,
        surveyType: request.survey.type,
        ...(validation.value.score !== undefined ? { score: validation.value.score } : {}),
        ...(validation.value.option !== undefined ? { option: validation.value.option } : {}),
        // Free text never travels in clear: only feedback-store opens it.
        ...(validation.value.comment !== undefined ? { sealedComment: this.keyRing.seal(validation.value.comment, feedbackCommentContext(id)) } : {}),
        requestedAt: request.requestedAt.toISOString(),
        submittedAt: now.toISOString(),
      },
      { correlationId: request.correlationId, occurredAt: now },
    );
    await this.apply(id, { to: 'answered', at: now }, submitted);
    return { ...request, status: 'answered', answeredAt: now };
  }

  async decline(target: string | StoredFeedbackRequest): Promise<StoredFeedbackRequest> {
    const request = await this.answerable(target);
    const id = request.id;
    const now = new Date();
    const declined = this.publisher.build(
      feedbackRequestsTopic,
      'FeedbackDeclined',
      { requestId: id, businessId: request.businessId, test: request.test, requestedAt: request.requestedAt.toISOString(), declinedAt: now.toISOString() },
      { correlationId: request.correlationId, occurredAt: now },
    );
    await this.apply(id, { to: 'declined', at: now }, declined);
    return { ...request, status: 'declined', declinedAt: now };
  }

  /** Expires unanswered requests after their window (F5); one instance wins each request. */
  async expireDue(now = new Date()): Promise<number> {
    let expired = 0;
    for (const request of await this.requests.findDueForExpiry(now, 500)) {
      const event = this.publisher.build(
        feedbackRequestsTopic,
        'FeedbackRequestExpired',
        { requestId: request.id, businessId: request.businessId, test: request.test, requestedAt: request.requestedAt.toISOString(), expiredAt: request.expiresAt.toISOString() },
        { correlationId: request.correlationId, occurredAt: request.expiresAt },
      );
      if (await this.requests.transition(request.id, { to: 'expired', at: now }, [outboxEntry(feedbackRequestsTopic, event)])) {
        expired += 1;
        void this.relay.flush(FEEDBACK_REQUESTS, request.id);
      }
    }
    if (expired > 0) this.log.log(`expired ${expired} feedback request(s)`);
    return expired;
  }

  private async apply(id: string, transition: { to: 'answered' | 'declined'; at: Date }, event: ReturnType<EventPublisher['build']>): Promise<void> {
    if (!(await this.requests.transition(id, transition, [outboxEntry(feedbackRequestsTopic, event)]))) {
      const current = await this.requests.findById(id);
      const decision = current ? decideResponse(current, new Date()) : undefined;
      if (decision && !decision.ok) throw fail(decision.refusal);
      throw new DomainError(409, 'already_answered', 'this request has already been answered');
    }
    void this.relay.flush(FEEDBACK_REQUESTS, id);
  }
}
