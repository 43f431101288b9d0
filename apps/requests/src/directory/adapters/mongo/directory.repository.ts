import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { LRUCache } from 'lru-cache';
import type { Model } from 'mongoose';
import { nativeCollection, saveLatest, saveManyLatest, type EventVersion, type Versioned } from '@feedback/persistence';
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

/** What a respondent page shows of a business: its profile (name, privacy policy) and settings (share prompt, label). */
export interface ShownBusiness {
  business?: KnownBusiness;
  settings: BusinessSettings;
}

/**
 * How long a respondent page may show a business as it was read (ShownBusiness).
 * Every answer's page shows its business's name and share prompt: reading them
 * was two of an answer's four store commands, and half of them went through
 * mongoose. A change made here is shown at once (saving forgets the business);
 * one made through another instance, within this time.
 */
export const SHOWN_BUSINESS_TTL_MS = 5_000;

/** The upstream facts requests decides on: reviews, business profiles and business settings. */
@Injectable()
export class DirectoryRepository {
  /** Businesses as shown to respondents, never to decide anything (permissions and F11 are read afresh). */
  private readonly shown = new LRUCache<string, ShownBusiness>({
    max: 10_000,
    ttl: SHOWN_BUSINESS_TTL_MS,
    fetchMethod: async (businessId) => {
      const [business, settings] = await Promise.all([this.findBusiness(businessId), this.findSettings(businessId)]);
      return business ? { business, settings } : { settings };
    },
  });

  constructor(
    @InjectModel(REVIEWS) private readonly reviews: Model<ReviewDoc>,
    @InjectModel(BUSINESSES) private readonly businesses: Model<BusinessDoc>,
    @InjectModel(BUSINESS_SETTINGS) private readonly settings: Model<SettingsDoc>,
    @InjectModel(CONVERSATIONS) private readonly conversations: Model<ConversationDoc>,
  ) {}

  /** The interactions of a consumer batch, each conversation at its newest version (saveManyLatest). */
  async saveConversations(conversations: readonly Versioned<KnownConversation>[]): Promise<void> {
    await saveManyLatest(
      this.conversations,
      conversations.map(({ value: { conversationId, ...fields }, version }) => ({ id: conversationId, version, fields })),
    );
  }

  /** Deleted conversations are remembered as deleted; feedback already given is not touched (F10). */
  async markConversationsDeleted(deletions: readonly { conversationId: string; deletedAt: Date }[]): Promise<void> {
    if (deletions.length === 0) return;
    await nativeCollection<ConversationDoc>(this.conversations).bulkWrite(
      deletions.map(({ conversationId, deletedAt }) => ({ updateOne: { filter: { _id: conversationId }, update: { $set: { deletedAt } } } })),
      { ordered: false },
    );
  }

  async findConversation(conversationId: string): Promise<KnownConversation | undefined> {
    const doc = await this.conversations.findById(conversationId).lean();
    if (!doc) return undefined;
    return { conversationId, businessId: doc.businessId, userId: doc.userId, representativeIds: doc.representativeIds ?? [], lastInteractionAt: doc.lastInteractionAt };
  }

  /** The reviews of a consumer batch, each at its newest version (saveManyLatest). */
  async saveReviews(reviews: readonly Versioned<KnownReview>[]): Promise<void> {
    await saveManyLatest(
      this.reviews,
      reviews.map(({ value: { reviewId, ...fields }, version }) => ({ id: reviewId, version, fields })),
    );
  }

  async saveBusiness(business: KnownBusiness, version: EventVersion): Promise<boolean> {
    const { businessId, ...fields } = business;
    // A profile without a privacy policy or label removes the old one.
    const unset = { privacyPolicyUrl: fields.privacyPolicyUrl ?? null, referenceNumberLabel: fields.referenceNumberLabel ?? null };
    const saved = await saveLatest(this.businesses, businessId, version, { ...fields, ...unset });
    this.shown.delete(businessId);
    return saved;
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
    this.shown.delete(businessId);
    return this.findSettings(businessId);
  }

  /** A business as a respondent page shows it: read at most once every SHOWN_BUSINESS_TTL_MS per business. */
  async findShownBusiness(businessId: string): Promise<ShownBusiness> {
    return (await this.shown.fetch(businessId)) ?? { settings: {} };
  }
}
