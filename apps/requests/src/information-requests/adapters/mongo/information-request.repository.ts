import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { SharedField } from '@feedback/contracts';
import { isDuplicateKeyError } from '@feedback/persistence';
import { appendToOutbox, type OutboxEntry } from '@feedback/service-kit';
import type { CursorPosition } from '@feedback/http';
import type { InformationRequest, RequestStatus } from '../../../domain/information-request.types';
import { INFORMATION_REQUESTS } from './information-request.schema';

interface RequestDoc extends Omit<InformationRequest, 'id'> {
  _id: string;
  correlationId: string;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

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

const PROJECTION = { outbox: 0 };

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
    const doc = await this.requests.findById(id, PROJECTION).lean<RequestDoc>();
    return doc ? { ...toDomain(doc), correlationId: doc.correlationId } : undefined;
  }

  async findByReview(reviewId: string): Promise<InformationRequest | undefined> {
    const doc = await this.requests.findOne({ reviewId }, PROJECTION).lean<RequestDoc>();
    return doc ? toDomain(doc) : undefined;
  }

  /**
   * Moves a pending request to its outcome with the outcome's events, in one
   * conditional update: only one of two racing answers, or an answer racing
   * the expiry job, can win. An answer must also beat the deadline.
   */
  async transition(id: string, transition: Transition, events: OutboxEntry[]): Promise<boolean> {
    const condition: Record<string, unknown> = { _id: id, status: 'pending' };
    if (transition.to !== 'expired') condition.expiresAt = { $gt: transition.at };
    else condition.expiresAt = { $lte: transition.at };
    const set: Record<string, unknown> = { status: transition.to, [`${transition.to}At`]: transition.at };
    if (transition.to === 'answered') set.sharedFields = transition.sharedFields;
    const outbox = appendToOutbox(events);
    const result = await this.requests.updateOne(condition as never, { $set: { ...set, ...outbox.$set }, $push: outbox.$push } as never);
    return result.modifiedCount === 1;
  }

  /** Pending requests past their deadline, oldest first (the expiry sweep). */
  async findDueForExpiry(now: Date, limit: number): Promise<(InformationRequest & { correlationId: string })[]> {
    const docs = await this.requests.find({ status: 'pending', expiresAt: { $lte: now } }, PROJECTION).sort({ expiresAt: 1 }).limit(limit).lean<RequestDoc[]>();
    return docs.map((doc) => ({ ...toDomain(doc), correlationId: doc.correlationId }));
  }

  /** A business's requests, newest first, after `cursor`. */
  async listForBusiness(businessId: string, limit: number, cursor?: CursorPosition, status?: RequestStatus): Promise<InformationRequest[]> {
    const filter: Record<string, unknown> = { businessId };
    if (status) filter.status = status;
    if (cursor) filter.$or = [{ requestedAt: { $lt: cursor.at } }, { requestedAt: cursor.at, _id: { $lt: cursor.id } }];
    const docs = await this.requests.find(filter as never, PROJECTION).sort({ requestedAt: -1, _id: -1 }).limit(limit).lean<RequestDoc[]>();
    return docs.map(toDomain);
  }
}
