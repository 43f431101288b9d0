import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { encodeCursor, type CursorPosition, type Page } from '@feedback/http';
import { isDuplicateKeyError } from '@feedback/persistence';
import type { Sealed } from '@feedback/pii';
import { appendToOutbox, type OutboxEntry } from '@feedback/service-kit';
import type { Erasure, FeedbackScope, StoredAnswer } from '../../domain/feedback-answer.types';
import { FeedbackAnswerDocument } from './feedback-answer.schema';

/** A stored answer with what the adapters need besides the domain facts. */
export interface StoredFeedbackAnswer extends StoredAnswer {
  correlationId: string;
}

/** What the consumer writes, once. */
export interface NewFeedbackAnswer extends StoredAnswer {
  sourceEventId: string;
  correlationId: string;
  receivedAt: Date;
}

/** Fields an erasure removes (F12): the content, and the key id that only mattered for it. */
const CONTENT_FIELDS = { score: '', option: '', sealedComment: '', keyId: '' } as const;

@Injectable()
export class FeedbackAnswerRepository {
  constructor(@InjectModel(FeedbackAnswerDocument.name) private readonly answers: Model<FeedbackAnswerDocument>) {}

  async findByRequestId(requestId: string): Promise<StoredFeedbackAnswer | undefined> {
    const doc = await this.answers.findById(requestId, { outbox: 0 }).lean();
    return doc ? { ...answerOf(doc), correlationId: doc.correlationId } : undefined;
  }

  /** The stored answers among `requestIds`, by request id (one round trip). */
  async findByRequestIds(requestIds: readonly string[]): Promise<Map<string, StoredFeedbackAnswer>> {
    if (requestIds.length === 0) return new Map();
    const docs = await this.answers.find({ _id: { $in: [...requestIds] } }, { outbox: 0 }).lean();
    return new Map(docs.map((doc) => [doc._id, { ...answerOf(doc), correlationId: doc.correlationId }]));
  }

  /**
   * Inserts first answers, many in one unordered bulk insert. `_id` is the
   * requestId, so an answer already stored (a concurrent consumer, a replay)
   * fails on the unique key and nothing stored changes. Returns the request ids
   * that were there already. The driver's insert skips mongoose's per-document
   * casting: the documents are built fully typed here, on the hot path.
   */
  async insertMany(answers: readonly NewFeedbackAnswer[]): Promise<Set<string>> {
    const existing = new Set<string>();
    if (answers.length === 0) return existing;
    try {
      await this.answers.collection.insertMany(answers.map(documentOf) as never[], { ordered: false });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const writeErrors = (error as { writeErrors?: { index: number } | { index: number }[] }).writeErrors;
      for (const { index } of Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []) existing.add(answers[index]!.requestId);
    }
    return existing;
  }

  /** One page of a business's answers in `scope`, newest submission first, `limit` at a time after `after`. */
  async newestFirst(businessId: string, scope: FeedbackScope, limit: number, after?: CursorPosition): Promise<Page<StoredAnswer>> {
    const filter: Record<string, unknown> = { businessId };
    if (scope.kind === 'representative') filter.representativeIds = scope.userId;
    if (after) filter.$or = [{ submittedAt: { $lt: after.at } }, { submittedAt: after.at, _id: { $lt: after.id } }];
    const docs = await this.answers
      .find(filter, { outbox: 0 })
      .sort({ submittedAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean();
    const items = docs.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(answerOf),
      ...(docs.length > limit && last ? { nextCursor: encodeCursor({ at: last.submittedAt, id: last._id }) } : {}),
    };
  }

  /**
   * Tombstones the answer and queues its FeedbackErased in ONE single-document
   * update. Only applies to an answer of `businessId` not erased yet, so of two
   * concurrent erasures one emits the event. Returns false when nothing changed.
   */
  async erase(requestId: string, businessId: string, erasure: Erasure, event: OutboxEntry): Promise<boolean> {
    const outbox = appendToOutbox([event]);
    const result = await this.answers.updateOne(
      { _id: requestId, businessId, erased: { $exists: false } },
      { $set: { erased: { erasedAt: erasure.erasedAt, erasedBy: erasure.erasedBy }, ...outbox.$set }, $unset: CONTENT_FIELDS, $push: outbox.$push },
    );
    return result.modifiedCount > 0;
  }

  /** How many answers are about a conversation (read only: F10 keeps them). */
  countByConversation(conversationId: string): Promise<number> {
    return this.answers.countDocuments({ conversationId });
  }
}

type AnswerDoc = Omit<FeedbackAnswerDocument, 'outbox'>;

/** The stored form of a new answer, as the schema describes it (no outbox entries yet). */
function documentOf(answer: NewFeedbackAnswer): FeedbackAnswerDocument {
  return {
    _id: answer.requestId,
    businessId: answer.businessId,
    test: answer.test,
    conversationId: answer.conversationId,
    userId: answer.userId,
    representativeIds: [...answer.representativeIds],
    surveyType: answer.surveyType,
    ...(answer.score !== undefined ? { score: answer.score } : {}),
    ...(answer.option !== undefined ? { option: answer.option } : {}),
    ...(answer.sealedComment ? { sealedComment: sealedOf(answer.sealedComment), keyId: answer.sealedComment.keyId } : {}),
    requestedAt: answer.requestedAt,
    submittedAt: answer.submittedAt,
    ...(answer.erased ? { erased: answer.erased } : {}),
    receivedAt: answer.receivedAt,
    sourceEventId: answer.sourceEventId,
    correlationId: answer.correlationId,
    outbox: [],
    outboxPending: false,
  };
}

function answerOf(doc: AnswerDoc): StoredAnswer {
  return {
    requestId: doc._id,
    businessId: doc.businessId,
    test: doc.test,
    conversationId: doc.conversationId,
    userId: doc.userId,
    representativeIds: [...doc.representativeIds],
    surveyType: doc.surveyType,
    ...(doc.score !== undefined && doc.score !== null ? { score: doc.score } : {}),
    ...(doc.option !== undefined && doc.option !== null ? { option: doc.option } : {}),
    ...(doc.sealedComment ? { sealedComment: sealedOf(doc.sealedComment) } : {}),
    requestedAt: doc.requestedAt,
    submittedAt: doc.submittedAt,
    ...(doc.erased ? { erased: { erasedAt: doc.erased.erasedAt, erasedBy: doc.erased.erasedBy } } : {}),
  };
}

/** Only the four fields of a sealed value, whatever else a stored object may carry. */
function sealedOf(value: Sealed): Sealed {
  return { keyId: value.keyId, iv: value.iv, tag: value.tag, ciphertext: value.ciphertext };
}
