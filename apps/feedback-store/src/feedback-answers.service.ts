import { Injectable, Logger } from '@nestjs/common';
import { feedbackRequestsTopic, type FeedbackSubmitted } from '@feedback/contracts';
import { DomainError, type CursorPosition, type Page } from '@feedback/http';
import { EventPublisher, PermanentEventError } from '@feedback/messaging';
import { KeyRing, type Sealed } from '@feedback/pii';
import { OutboxRelay, outboxEntry } from '@feedback/service-kit';
import { FeedbackAnswerRepository } from './adapters/mongo/feedback-answer.repository';
import { FEEDBACK_ANSWERS_COLLECTION } from './adapters/mongo/feedback-answer.schema';
import { answerSealContext, decideAnswerWrite, decideErasure, feedbackItem, feedbackScope } from './domain/feedback-answer.policy';
import type { Erasure, FeedbackItem, FeedbackReader, SubmittedAnswer } from './domain/feedback-answer.types';

/**
 * Answers to feedback requests: stored write-once with the comment sealed
 * (F6), read by the business within each reader's scope (F7, F8, F13),
 * erased by the business as a tombstone with its FeedbackErased event (F12),
 * and kept when the conversation is deleted (F10).
 */
@Injectable()
export class FeedbackAnswersService {
  private readonly log = new Logger('FeedbackAnswers');

  constructor(
    private readonly answers: FeedbackAnswerRepository,
    private readonly keyRing: KeyRing,
    private readonly publisher: EventPublisher,
    private readonly relay: OutboxRelay,
  ) {}

  /**
   * Stores a FeedbackSubmitted once. A replay (same facts and content, whatever
   * its event id) changes nothing; a contradicting second answer is
   * dead-lettered and the first is kept; an erased answer stays erased.
   */
  async store(event: FeedbackSubmitted, source: { eventId: string; correlationId: string }, now = new Date()): Promise<void> {
    const comment = event.sealedComment ? this.openComment(event.sealedComment, event.requestId) : undefined;
    const incoming = submittedAnswerOf(event, comment);
    // Two rounds at most: an insert that loses a race is decided again against the winner.
    for (let round = 0; round < 2; round++) {
      const stored = await this.answers.findByRequestId(incoming.requestId);
      const storedComment = stored?.sealedComment ? this.openComment(stored.sealedComment, stored.requestId) : undefined;
      const decision = decideAnswerWrite(incoming, stored && { ...stored, ...(storedComment !== undefined ? { comment: storedComment } : {}) });
      if (decision.action === 'ignore') return;
      if (decision.action === 'reject') throw new PermanentEventError(decision.reason);
      const { comment, ...rest } = incoming;
      const inserted = await this.answers.insertOnce({
        ...rest,
        ...(comment !== undefined ? { sealedComment: this.keyRing.seal(comment, answerSealContext(incoming.requestId)) } : {}),
        sourceEventId: source.eventId,
        correlationId: source.correlationId,
        receivedAt: now,
      });
      if (inserted) return;
    }
  }

  /** One page of the business's answers as `reader` may see them, newest first. */
  async list(businessId: string, reader: FeedbackReader, limit: number, after?: CursorPosition): Promise<Page<FeedbackItem>> {
    const page = await this.answers.newestFirst(businessId, feedbackScope(reader), limit, after);
    return {
      ...page,
      items: page.items.map((answer) => feedbackItem(answer, answer.sealedComment && !answer.erased ? this.openComment(answer.sealedComment, answer.requestId) : undefined)),
    };
  }

  /**
   * Erases an answer of the business (F12): the content goes, the tombstone and
   * its FeedbackErased event are written in one update, then relayed. Erasing
   * an erased answer changes nothing and emits nothing.
   */
  async erase(businessId: string, requestId: string, erasedBy: string): Promise<{ erasure: Erasure; erasedNow: boolean }> {
    for (let round = 0; round < 3; round++) {
      const stored = await this.answers.findByRequestId(requestId);
      const decision = decideErasure(stored, businessId, { erasedAt: new Date(), erasedBy });
      if (decision.outcome === 'not_found' || !stored) throw new DomainError(404, 'not_found', `no answer to feedback request ${requestId} in this business`);
      if (decision.outcome === 'already_erased') return { erasure: decision.erasure, erasedNow: false };
      const { erasure } = decision;
      const envelope = this.publisher.build(
        feedbackRequestsTopic,
        'FeedbackErased',
        { requestId, businessId, erasedBy: erasure.erasedBy, erasedAt: erasure.erasedAt.toISOString() },
        { occurredAt: erasure.erasedAt, correlationId: stored.correlationId },
      );
      if (await this.answers.erase(requestId, businessId, erasure, outboxEntry(feedbackRequestsTopic, envelope))) {
        await this.relay.flush(FEEDBACK_ANSWERS_COLLECTION, requestId);
        return { erasure, erasedNow: true };
      }
      // Erased concurrently meanwhile: decide again against that erasure.
    }
    throw new DomainError(409, 'conflict', `the answer to feedback request ${requestId} is being changed concurrently; try again`);
  }

  /**
   * F10: deleting the private conversation does not delete the feedback given
   * about it. Nothing is changed; the count is only logged, for operators.
   */
  async conversationDeleted(conversationId: string): Promise<number> {
    const kept = await this.answers.countByConversation(conversationId);
    if (kept > 0) this.log.log(`conversation ${conversationId} was deleted; its ${kept} feedback answer(s) are kept (F10)`);
    return kept;
  }

  private openComment(sealed: Sealed, requestId: string): string {
    try {
      return this.keyRing.open(sealed, answerSealContext(requestId));
    } catch (error) {
      // Not the caller's fault: a key was removed from the ring while data still needs it.
      throw new Error(`cannot open the comment of the answer to feedback request ${requestId} (key ${sealed.keyId}): ${(error as Error).message}`);
    }
  }
}

function submittedAnswerOf(event: FeedbackSubmitted, comment: string | undefined): SubmittedAnswer {
  return {
    requestId: event.requestId,
    businessId: event.businessId,
    test: event.test,
    conversationId: event.conversationId,
    userId: event.userId,
    representativeIds: [...event.representativeIds],
    surveyType: event.surveyType,
    ...(event.score !== undefined ? { score: event.score } : {}),
    ...(event.option !== undefined ? { option: event.option } : {}),
    ...(comment !== undefined ? { comment } : {}),
    requestedAt: new Date(event.requestedAt),
    submittedAt: new Date(event.submittedAt),
  };
}
