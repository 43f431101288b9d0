import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '@feedback/persistence';
import { KeyRing } from '@feedback/pii';
import type { Business, BusinessUserEntry } from '../../domain/business.types';
import { supersedes } from '../../domain/directory.policy';
import { BusinessDocument } from './business.schema';

/** What emails show about a business. */
export type BusinessProfile = Pick<Business, 'businessId' | 'name' | 'privacyPolicyUrl' | 'referenceNumberLabel'>;

/** The key of a business user in findUsers' answer. */
export const businessUserKey = (businessId: string, userId: string) => `${businessId}/${userId}`;

/** A business user's address is bound to that business and user: it can't be moved to another entry. */
const userContext = (businessId: string, userId: string) => `business:${businessId}:user:${userId}`;

@Injectable()
export class BusinessRepository {
  constructor(
    @InjectModel(BusinessDocument.name) private readonly businesses: Model<BusinessDocument>,
    private readonly keyRing: KeyRing,
  ) {}

  /**
   * Stores the profile unless a newer one is already there (latest wins,
   * order-tolerant, as the contact directory). One conditional single-document
   * write: racing consumers still end with the newest profile.
   */
  async saveIfNewer(business: Business): Promise<boolean> {
    const stored = await this.businesses.findById(business.businessId, { asOf: 1, sourceEventId: 1 }).lean();
    if (!supersedes(business, stored ?? undefined)) return false;
    const users = business.users.map((user) => ({
      userId: user.userId,
      sealedEmail: this.keyRing.seal(user.email, userContext(business.businessId, user.userId)),
      preferredLanguage: user.preferredLanguage,
      role: user.role,
    }));
    const set: Record<string, unknown> = { name: business.name, users, asOf: business.asOf, sourceEventId: business.sourceEventId, updatedAt: new Date() };
    // The new profile replaces the old one whole: optional fields it lacks are removed.
    const unset: Record<string, 1> = {};
    for (const field of ['privacyPolicyUrl', 'referenceNumberLabel'] as const) {
      if (business[field]) set[field] = business[field];
      else unset[field] = 1;
    }
    const olderThanIncoming = {
      _id: business.businessId,
      $or: [{ asOf: { $lt: business.asOf } }, { asOf: business.asOf, sourceEventId: { $lt: business.sourceEventId } }],
    };
    try {
      const result = await this.businesses.updateOne(olderThanIncoming, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, { upsert: true });
      return result.modifiedCount + result.upsertedCount > 0;
    } catch (error) {
      // The upsert lost a race to a newer profile inserted meanwhile: that one stays.
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** The profiles of `businessIds` that are known, in one read (a batch's emails name many businesses). */
  async findProfiles(businessIds: readonly string[]): Promise<Map<string, BusinessProfile>> {
    if (businessIds.length === 0) return new Map();
    const docs = await this.businesses.find({ _id: { $in: [...businessIds] } }, { name: 1, privacyPolicyUrl: 1, referenceNumberLabel: 1 }).lean();
    return new Map(
      docs.map((doc) => [doc._id, { businessId: doc._id, name: doc.name, privacyPolicyUrl: doc.privacyPolicyUrl, referenceNumberLabel: doc.referenceNumberLabel }]),
    );
  }

  /**
   * The users of businesses named by `wanted`, with their addresses opened, in
   * one read; keyed by businessUserKey. A user (or business) not known is
   * absent; an address that cannot be opened (its key left the ring) is its
   * error, so that it fails that user's email alone.
   */
  async findUsers(wanted: readonly { businessId: string; userId: string }[]): Promise<Map<string, BusinessUserEntry | Error>> {
    const found = new Map<string, BusinessUserEntry | Error>();
    if (wanted.length === 0) return found;
    const docs = await this.businesses.find({ _id: { $in: [...new Set(wanted.map((w) => w.businessId))] } }, { users: 1 }).lean();
    const usersOf = new Map(docs.map((doc) => [doc._id, doc.users]));
    for (const { businessId, userId } of wanted) {
      const key = businessUserKey(businessId, userId);
      // A user a batch emails twice is opened once.
      const user = found.has(key) ? undefined : usersOf.get(businessId)?.find((candidate) => candidate.userId === userId);
      if (!user) continue;
      try {
        const email = this.keyRing.open(user.sealedEmail, userContext(businessId, userId));
        found.set(key, { userId, email, preferredLanguage: user.preferredLanguage, role: user.role });
      } catch (error) {
        found.set(key, error as Error);
      }
    }
    return found;
  }
}
