import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { SharedField } from '@feedback/contracts';
import type { CursorPosition } from '@feedback/http';
import { isDuplicateKeyError } from '@feedback/persistence';
import type { OutboxEntry } from '@feedback/service-kit';
import type { InformationRequest, RequestStatus } from '../../../domain/information-request.types';
import { findDueForExpiry, listForBusiness, transitionRequest, WITHOUT_OUTBOX, type RequestDocBase } from '../../../shared/request-lifecycle';
import { INFORMATION_REQUESTS } from './information-request.schema';

type RequestDoc = RequestDocBase & Omit<InformationRequest, 'id' | keyof RequestDocBase>;

function toDomain(doc: RequestDoc): InformationRequest {
  const request: InformationRequest = {
    id: doc._id,
    businessId: doc.businessId,
    reviewId: doc.reviewId,
    reviewerId: doc.reviewerId,
    requestedBy: doc.requestedBy,
    status: doc.status,
    requestedAt: doc.requestedAt,
    expiresAt: doc.expiresAt,
  };
  if (doc.sharedFields) request.sharedFields = doc.sharedFields;
  if (doc.answeredAt) request.answeredAt = doc.answeredAt;
  if (doc.declinedAt) request.declinedAt = doc.declinedAt;
  if (doc.expiredAt) request.expiredAt = doc.expiredAt;
  return request;
}

export type Transition =
  | { to: 'answered'; at: Date; sharedFields: SharedField[] }
  | { to: 'declined'; at: Date }
  | { to: 'expired'; at: Date };

@Injectable()
export class InformationRequestRepository {
  constructor(@InjectModel(INFORMATION_REQUESTS) private readonly requests: Model<RequestDoc>) {}

  /** Inserts a new request with its InformationRequested event; false if the review already has one (I1). */
  async create(request: InformationRequest, correlationId: string, events: OutboxEntry[]): Promise<boolean> {
    const { id, ...fields } = request;
    try {
      await this.requests.collection.insertOne({ _id: id, ...fields, correlationId, outbox: events, outboxPending: true } as never);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async findById(id: string): Promise<(InformationRequest & { correlationId: string }) | undefined> {
    // The driver's findOne, not mongoose's query machinery: every answer on the respondent form reads its request.
    const doc = await this.requests.collection.findOne<RequestDoc>({ _id: id as never }, { projection: WITHOUT_OUTBOX });
    return doc ? { ...toDomain(doc), correlationId: doc.correlationId } : undefined;
  }

  async findByReview(reviewId: string): Promise<InformationRequest | undefined> {
    const doc = await this.requests.findOne({ reviewId }, WITHOUT_OUTBOX).lean<RequestDoc>();
    return doc ? toDomain(doc) : undefined;
  }

  transition(id: string, transition: Transition, events: OutboxEntry[]): Promise<boolean> {
    const set = transition.to === 'answered' ? { sharedFields: transition.sharedFields } : undefined;
    return transitionRequest(this.requests, id, { to: transition.to, at: transition.at, set }, events);
  }

  async findDueForExpiry(now: Date, limit: number): Promise<(InformationRequest & { correlationId: string })[]> {
    return (await findDueForExpiry(this.requests, now, limit)).map((doc) => ({ ...toDomain(doc), correlationId: doc.correlationId }));
  }

  async listForBusiness(businessId: string, limit: number, cursor?: CursorPosition, status?: RequestStatus): Promise<InformationRequest[]> {
    return (await listForBusiness(this.requests, businessId, limit, cursor, status)).map(toDomain);
  }
}
