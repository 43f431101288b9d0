import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { CursorPosition } from '@feedback/http';
import { isDuplicateKeyError } from '@feedback/persistence';
import type { OutboxEntry } from '@feedback/service-kit';
import type { FeedbackRequest } from '../../../domain/feedback-request.types';
import type { RequestStatus } from '../../../domain/information-request.types';
import { findDueForExpiry, listForBusiness, transitionRequest, WITHOUT_OUTBOX, type RequestDocBase, type Transition } from '../../../shared/request-lifecycle';
import { FEEDBACK_REQUESTS } from './feedback-request.schema';

type RequestDoc = RequestDocBase & Omit<FeedbackRequest, 'id' | keyof RequestDocBase>;
export type StoredFeedbackRequest = FeedbackRequest & { correlationId: string };

function toDomain(doc: RequestDoc): StoredFeedbackRequest {
  const request: StoredFeedbackRequest = {
    id: doc._id,
    businessId: doc.businessId,
    conversationId: doc.conversationId,
    userId: doc.userId,
    representativeIds: doc.representativeIds ?? [],
    requestedBy: doc.requestedBy,
    survey: doc.survey,
    test: doc.test,
    status: doc.status,
    requestedAt: doc.requestedAt,
    expiresAt: doc.expiresAt,
    correlationId: doc.correlationId,
  };
  if (doc.answeredAt) request.answeredAt = doc.answeredAt;
  if (doc.declinedAt) request.declinedAt = doc.declinedAt;
  if (doc.expiredAt) request.expiredAt = doc.expiredAt;
  return request;
}

@Injectable()
export class FeedbackRequestRepository {
  constructor(@InjectModel(FEEDBACK_REQUESTS) private readonly requests: Model<RequestDoc>) {}

  /** Inserts a new request with its FeedbackRequested event; false if the conversation already has one (F3). */
  async create(request: FeedbackRequest, correlationId: string, events: OutboxEntry[]): Promise<boolean> {
    const { id, ...fields } = request;
    try {
      await this.requests.collection.insertOne({ _id: id, ...fields, correlationId, outbox: events, outboxPending: true } as never);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async findById(id: string): Promise<StoredFeedbackRequest | undefined> {
    // The driver's findOne, not mongoose's query machinery: every answer on the respondent form reads its request.
    const doc = await this.requests.collection.findOne<RequestDoc>({ _id: id as never }, { projection: WITHOUT_OUTBOX });
    return doc ? toDomain(doc) : undefined;
  }

  async findByConversation(conversationId: string): Promise<FeedbackRequest | undefined> {
    const doc = await this.requests.findOne({ conversationId }, WITHOUT_OUTBOX).lean<RequestDoc>();
    return doc ? toDomain(doc) : undefined;
  }

  transition(id: string, transition: Transition, events: OutboxEntry[]): Promise<boolean> {
    return transitionRequest(this.requests, id, transition, events);
  }

  async findDueForExpiry(now: Date, limit: number): Promise<StoredFeedbackRequest[]> {
    return (await findDueForExpiry(this.requests, now, limit)).map(toDomain);
  }

  async listForBusiness(businessId: string, limit: number, cursor?: CursorPosition, status?: RequestStatus): Promise<StoredFeedbackRequest[]> {
    return (await listForBusiness(this.requests, businessId, limit, cursor, status)).map(toDomain);
  }
}
