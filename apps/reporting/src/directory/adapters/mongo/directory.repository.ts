import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKeyError, saveLatest, saveManyLatest, type EventVersion, type Versioned } from '@feedback/persistence';
import type { InformationOutcome, KnownInformationRequest, KnownReview } from '../../../domain/directory.types';
import { NEGATIVE_RATING_MAX } from '../../../domain/fairness.policy';
import { BUSINESSES, INFORMATION_REQUESTS, REVIEWS } from './directory.schema';

interface ReviewDoc extends Omit<KnownReview, 'reviewId'> {
  _id: string;
}
interface BusinessDoc {
  _id: string;
  name: string;
  privacyPolicyUrl?: string | null;
}
interface InformationRequestDoc {
  _id: string;
  businessId: string;
  reviewId: string;
  requestedBy?: string;
  requestedAt?: Date;
  expiresAt?: Date;
  providedAt?: Date;
  declinedAt?: Date;
  expiredAt?: Date;
  sharedFields?: string[];
  identification?: { identified: boolean; recordedAt: Date; recordedBy: string };
}

/** The fields one info.requests.v1 event sets on its request. */
export type InformationRequestFacts = Pick<InformationRequestDoc, 'businessId' | 'reviewId'> &
  Partial<Pick<InformationRequestDoc, 'requestedBy' | 'requestedAt' | 'expiresAt' | 'providedAt' | 'declinedAt' | 'expiredAt' | 'sharedFields'>>;

function toInformationRequest(doc: InformationRequestDoc): KnownInformationRequest {
  // One request has one outcome; should two ever be recorded, the first in this order wins.
  const [outcome, concludedAt]: [InformationOutcome, Date | undefined] = doc.providedAt
    ? ['answered', doc.providedAt]
    : doc.declinedAt
      ? ['declined', doc.declinedAt]
      : doc.expiredAt
        ? ['expired', doc.expiredAt]
        : ['pending', undefined];
  const request: KnownInformationRequest = { requestId: doc._id, businessId: doc.businessId, reviewId: doc.reviewId, outcome };
  if (doc.requestedBy) request.requestedBy = doc.requestedBy;
  if (doc.requestedAt) request.requestedAt = doc.requestedAt;
  if (doc.expiresAt) request.expiresAt = doc.expiresAt;
  if (concludedAt) request.concludedAt = concludedAt;
  if (doc.sharedFields) request.sharedFields = doc.sharedFields;
  if (doc.identification) request.identification = { identified: doc.identification.identified, recordedAt: doc.identification.recordedAt };
  return request;
}

function toReview(doc: ReviewDoc): KnownReview {
  return {
    reviewId: doc._id,
    businessId: doc.businessId,
    reviewerId: doc.reviewerId,
    rating: doc.rating,
    source: doc.source,
    language: doc.language,
    publishedAt: doc.publishedAt,
  };
}

/** The upstream and information-request facts reporting decides on, learnt from events only. */
@Injectable()
export class DirectoryRepository {
  constructor(
    @InjectModel(REVIEWS) private readonly reviews: Model<ReviewDoc>,
    @InjectModel(BUSINESSES) private readonly businesses: Model<BusinessDoc>,
    @InjectModel(INFORMATION_REQUESTS) private readonly informationRequests: Model<InformationRequestDoc>,
  ) {}

  /** The reviews of a consumer batch, each at its newest version (saveManyLatest). */
  async saveReviews(reviews: readonly Versioned<KnownReview>[]): Promise<void> {
    await saveManyLatest(
      this.reviews,
      reviews.map(({ value: { reviewId, ...fields }, version }) => ({ id: reviewId, version, fields })),
    );
  }

  async findReview(reviewId: string): Promise<KnownReview | undefined> {
    const doc = await this.reviews.findById(reviewId).lean<ReviewDoc>();
    return doc ? toReview(doc) : undefined;
  }

  async findReviews(reviewIds: readonly string[]): Promise<Map<string, KnownReview>> {
    if (reviewIds.length === 0) return new Map();
    const docs = await this.reviews.find({ _id: { $in: [...new Set(reviewIds)] } }).lean<ReviewDoc[]>();
    return new Map(docs.map((doc) => [doc._id, toReview(doc)]));
  }

  /** A business's reviews and its negative ones (rating <= 2): the baseline of the fairness test (R6). */
  async countReviews(businessId: string): Promise<{ reviews: number; negativeReviews: number }> {
    const [reviews, negativeReviews] = await Promise.all([
      this.reviews.countDocuments({ businessId }),
      this.reviews.countDocuments({ businessId, rating: { $lte: NEGATIVE_RATING_MAX } }),
    ]);
    return { reviews, negativeReviews };
  }

  saveBusiness(business: { businessId: string; name: string; privacyPolicyUrl?: string }, version: EventVersion): Promise<boolean> {
    return saveLatest(this.businesses, business.businessId, version, { name: business.name, privacyPolicyUrl: business.privacyPolicyUrl ?? null });
  }

  async findBusiness(businessId: string): Promise<{ name: string; privacyPolicyUrl?: string } | undefined> {
    const doc = await this.businesses.findById(businessId).lean<BusinessDoc>();
    if (!doc) return undefined;
    return doc.privacyPolicyUrl ? { name: doc.name, privacyPolicyUrl: doc.privacyPolicyUrl } : { name: doc.name };
  }

  /** Records what one event says about a request; idempotent, and independent of the order events arrive in. */
  async recordInformationRequest(requestId: string, facts: InformationRequestFacts): Promise<void> {
    const set = Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined));
    await this.informationRequests.updateOne({ _id: requestId }, { $set: set }, { upsert: true });
  }

  /** The business's verdict on shared details; a later verdict replaces an earlier one, never the reverse. */
  async recordIdentification(requestId: string, facts: { businessId: string; reviewId: string }, identification: { identified: boolean; recordedAt: Date; recordedBy: string }): Promise<void> {
    const olderOrNone = { _id: requestId, $or: [{ 'identification.recordedAt': { $exists: false } }, { 'identification.recordedAt': { $lt: identification.recordedAt } }] };
    try {
      await this.informationRequests.updateOne(olderOrNone, { $set: { ...facts, identification } }, { upsert: true });
    } catch (error) {
      // The request exists with a newer (or this very) verdict: it stays.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async findInformationRequests(reviewId: string): Promise<KnownInformationRequest[]> {
    const docs = await this.informationRequests.find({ reviewId }).lean<InformationRequestDoc[]>();
    return docs.map(toInformationRequest).sort((a, b) => (a.requestedAt?.getTime() ?? 0) - (b.requestedAt?.getTime() ?? 0));
  }

  async findInformationRequestsOfReviews(reviewIds: readonly string[]): Promise<Map<string, KnownInformationRequest[]>> {
    const byReview = new Map<string, KnownInformationRequest[]>();
    if (reviewIds.length === 0) return byReview;
    const docs = await this.informationRequests.find({ reviewId: { $in: [...new Set(reviewIds)] } }).lean<InformationRequestDoc[]>();
    for (const request of docs.map(toInformationRequest)) byReview.set(request.reviewId, [...(byReview.get(request.reviewId) ?? []), request]);
    return byReview;
  }
}
