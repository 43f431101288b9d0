import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { saveLatest, type EventVersion } from '@feedback/persistence';
import type { BusinessSettings, KnownBusiness, KnownReview } from '../../../domain/directory.types';
import { BUSINESSES, BUSINESS_SETTINGS, CONVERSATIONS, REVIEWS } from './directory.schema';
import type { KnownConversation } from '../../../domain/feedback-request.types';

interface ReviewDoc extends Omit<KnownReview, 'reviewId'> {
  _id: string;
}
interface BusinessDoc extends Omit<KnownBusiness, 'businessId'> {
  _id: string;
}
interface ConversationDoc extends Omit<KnownConversation, 'conversationId'> {
  _id: string;
  deletedAt?: Date;
}
interface SettingsDoc extends BusinessSettings {
  _id: string;
  updatedAt: Date;
  updatedBy: string;
}

/** The upstream facts requests decides on: reviews, business profiles and business settings. */
@Injectable()
export class DirectoryRepository {
  constructor(
    @InjectModel(REVIEWS) private readonly reviews: Model<ReviewDoc>,
    @InjectModel(BUSINESSES) private readonly businesses: Model<BusinessDoc>,
    @InjectModel(BUSINESS_SETTINGS) private readonly settings: Model<SettingsDoc>,
    @InjectModel(CONVERSATIONS) private readonly conversations: Model<ConversationDoc>,
  ) {}

  saveConversation(conversation: KnownConversation, version: EventVersion): Promise<boolean> {
    const { conversationId, ...fields } = conversation;
    return saveLatest(this.conversations, conversationId, version, fields);
  }

  /** A deleted conversation is remembered as deleted; feedback already given is not touched (F10). */
  async markConversationDeleted(conversationId: string, deletedAt: Date): Promise<void> {
    await this.conversations.updateOne({ _id: conversationId }, { $set: { deletedAt } });
  }

  async findConversation(conversationId: string): Promise<KnownConversation | undefined> {
    const doc = await this.conversations.findById(conversationId).lean();
    if (!doc) return undefined;
    return { conversationId, businessId: doc.businessId, userId: doc.userId, representativeIds: doc.representativeIds ?? [], lastInteractionAt: doc.lastInteractionAt };
  }

  saveReview(review: KnownReview, version: EventVersion): Promise<boolean> {
    const { reviewId, ...fields } = review;
    return saveLatest(this.reviews, reviewId, version, fields);
  }

  saveBusiness(business: KnownBusiness, version: EventVersion): Promise<boolean> {
    const { businessId, ...fields } = business;
    // A profile without a privacy policy or label removes the old one.
    const unset = { privacyPolicyUrl: fields.privacyPolicyUrl ?? null, referenceNumberLabel: fields.referenceNumberLabel ?? null };
    return saveLatest(this.businesses, businessId, version, { ...fields, ...unset });
  }

  async findReview(reviewId: string): Promise<KnownReview | undefined> {
    const doc = await this.reviews.findById(reviewId).lean();
    if (!doc) return undefined;
    const { _id, ...rest } = doc as ReviewDoc & { asOf?: Date; sourceEventId?: string };
    delete rest.asOf;
    delete rest.sourceEventId;
    return { reviewId: _id, ...rest };
  }

  async findBusiness(businessId: string): Promise<KnownBusiness | undefined> {
    const doc = await this.businesses.findById(businessId).lean();
    if (!doc) return undefined;
    return {
      businessId,
      name: doc.name,
      privacyPolicyUrl: doc.privacyPolicyUrl ?? undefined,
      referenceNumberLabel: doc.referenceNumberLabel ?? undefined,
      users: (doc.users ?? []).map((u) => ({ userId: u.userId, role: u.role })),
    };
  }

  async findSettings(businessId: string): Promise<BusinessSettings> {
    const doc = await this.settings.findById(businessId).lean();
    if (!doc) return {};
    return { referenceNumberLabel: doc.referenceNumberLabel ?? undefined, feedbackWindowDays: doc.feedbackWindowDays ?? undefined, sharePrompt: doc.sharePrompt ?? undefined };
  }

  /** Merges the given settings into the stored ones (a field left out keeps its value). */
  async updateSettings(businessId: string, changes: BusinessSettings, updatedBy: string): Promise<BusinessSettings> {
    const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    await this.settings.updateOne({ _id: businessId }, { $set: { ...set, updatedAt: new Date(), updatedBy } }, { upsert: true });
    return this.findSettings(businessId);
  }
}
