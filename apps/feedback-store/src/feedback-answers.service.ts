import { Injectable, Logger } from '@nestjs/common';
import { feedbackRequestsTopic, type FeedbackSubmitted } from '@feedback/contracts';
import { DomainError, type CursorPosition, type Page } from '@feedback/http';
import { EventPublisher, PermanentEventError } from '@feedback/messaging';
import { KeyRing, type Sealed } from '@feedback/pii';
import { OutboxRelay, outboxEntry } from '@feedback/service-kit';
import { FeedbackAnswerRepository, type NewFeedbackAnswer } from './adapters/mongo/feedback-answer.repository';
import { FEEDBACK_ANSWERS_COLLECTION } from './adapters/mongo/feedback-answer.schema';
import { answerSealContext, COMMENT_UNAVAILABLE, decideAnswerWrite, decideErasure, feedbackItem, feedbackScope } from './domain/feedback-answer.policy';
import type { Erasure, FeedbackItem, FeedbackReader, StoredAnswer, SubmittedAnswer } from './domain/feedback-answer.types';

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
  async store(event: FeedbackSubmitted, source: EventSource, now = new Date()): Promise<void> {
    const [refusal] = await this.storeMany([{ event, ...source }], now);
    if (refusal) throw refusal.error;
  }

  /**
   * `store` for many events at once (the consumer's batches): one bulk insert
   * for all of them. Events are decided in order, each against the stored
   * answer or an earlier event of the batch. Returns the events refused for
   * good; the rest are stored or were already.
   *
   * The first round does not read: almost every answer the consumer gets is
   * new, and the insert itself tells which were stored already (the request id
   * is the key). Those, a replay or a race lost to another consumer, are decided
   * again against what is stored, read then.
   */
  async storeMany(events: readonly SubmittedEvent[], now = new Date()): Promise<AnswerRefusal[]> {
    const refusals: AnswerRefusal[] = [];
    let pending = events;
    // An optimistic round, then two that read: inserts that lose a race are decided again against the winners.
    for (let round = 0; round < 3 && pending.length > 0; round++) {
      const outcome = await this.storeRound(pending, now, { read: round > 0 });
      refusals.push(...outcome.refusals);
      pending = outcome.lostRace;
    }
    if (pending.length > 0) throw new Error(`the answers to ${pending.map((p) => p.event.requestId).join(', ')} changed concurrently twice`);
    return refusals;
  }

  private async storeRound(events: readonly SubmittedEvent[], now: Date, { read }: { read: boolean }): Promise<{ refusals: AnswerRefusal[]; lostRace: SubmittedEvent[] }> {
    const stored = read ? await this.answers.findByRequestIds([...new Set(events.map((e) => e.event.requestId))]) : new Map<string, StoredAnswer>();
    // What each request holds so far: the stored answer, or the first answer of this batch.
    const current = new Map<string, SubmittedAnswer & { erased?: Erasure }>();
    for (const [requestId, answer] of stored) {
      const comment = answer.sealedComment ? this.openComment(answer.sealedComment, requestId) : undefined;
      current.set(requestId, { ...answer, ...(comment !== undefined ? { comment } : {}) });
    }
    const refusals: (AnswerRefusal & { requestId: string })[] = [];
    const inserts: NewFeedbackAnswer[] = [];
    for (const { event, eventId, correlationId } of events) {
      let opened: string | undefined;
      try {
        opened = event.sealedComment ? this.openComment(event.sealedComment, event.requestId) : undefined;
      } catch (error) {
        // A comment this service cannot open (a key not deployed here, or not sealed for this request) fails that event only.
        refusals.push({ eventId, requestId: event.requestId, error: new PermanentEventError((error as Error).message) });
        continue;
      }
      const incoming = submittedAnswerOf(event, opened);
      const decision = decideAnswerWrite(incoming, current.get(incoming.requestId));
      if (decision.action === 'reject') refusals.push({ eventId, requestId: event.requestId, error: new PermanentEventError(decision.reason) });
      if (decision.action !== 'insert') continue;
      current.set(incoming.requestId, incoming);
      const { comment, ...rest } = incoming;
      inserts.push({
        ...rest,
        ...(comment !== undefined ? { sealedComment: this.storedSeal(event.sealedComment, comment, incoming.requestId) } : {}),
        sourceEventId: eventId,
        correlationId,
        receivedAt: now,
      });
    }
    const existing = await this.answers.insertMany(inserts);
    // A request whose insert lost a race: all its events are decided again, in order, against the winner.
    return {
      refusals: refusals.filter((r) => !existing.has(r.requestId)).map(({ eventId, error }) => ({ eventId, error })),
      lostRace: events.filter((e) => existing.has(e.event.requestId)),
    };
  }

  /**
   * One page of the business's answers as `reader` may see them, newest first.
   * A comment that can't be decrypted (its key was removed from
   * PII_ENCRYPTION_KEYS while answers still need it) doesn't fail the page: the
   * answer is listed with `commentUnavailable`, and the operator is told in the log.
   */
  async list(businessId: string, reader: FeedbackReader, limit: number, after?: CursorPosition): Promise<Page<FeedbackItem>> {
    const page = await this.answers.newestFirst(businessId, feedbackScope(reader), limit, after);
    const unreadable: string[] = [];
    const items = page.items.map((answer) => {
      const comment = this.listedComment(answer);
      if (comment === COMMENT_UNAVAILABLE) unreadable.push(`${answer.requestId} (key ${answer.sealedComment?.keyId})`);
      return feedbackItem(answer, comment);
    });
    if (unreadable.length > 0) {
      this.log.error(`cannot decrypt the comments of ${unreadable.length} answer(s), listed without them: ${unreadable.join(', ')}; put the key back in PII_ENCRYPTION_KEYS`);
    }
    return { ...page, items };
  }

  private listedComment(answer: StoredAnswer): string | typeof COMMENT_UNAVAILABLE | undefined {
    if (!answer.sealedComment || answer.erased) return undefined;
    try {
      return this.openComment(answer.sealedComment, answer.requestId);
    } catch {
      return COMMENT_UNAVAILABLE;
    }
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

  /**
   * The comment as stored: as it came when requests sealed it with the ring's
   * active key (the binding is the same, answerSealContext, and it was just
   * opened with it), else sealed again with the active key, so a rotation
   * leaves no new answer under a key on its way out.
   */
  private storedSeal(sealed: Sealed | undefined, comment: string, requestId: string): Sealed {
    return sealed?.keyId === this.keyRing.activeKeyId ? sealed : this.keyRing.seal(comment, answerSealContext(requestId));
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

/** Where a FeedbackSubmitted came from: kept with the answer and carried to its later events. */
export interface EventSource {
  eventId: string;
  correlationId: string;
}

export interface SubmittedEvent extends EventSource {
  event: FeedbackSubmitted;
}

/** An event refused for good, with why (dead-lettered by the consumer). */
export interface AnswerRefusal {
  eventId: string;
  error: PermanentEventError;
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
