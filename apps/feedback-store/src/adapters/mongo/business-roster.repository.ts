import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '@feedback/persistence';
import { supersedes } from '../../domain/business-roster.policy';
import type { BusinessRoster } from '../../domain/business-roster.types';
import { BusinessRosterDocument } from './business-roster.schema';

@Injectable()
export class BusinessRosterRepository {
  constructor(@InjectModel(BusinessRosterDocument.name) private readonly rosters: Model<BusinessRosterDocument>) {}

  /**
   * Stores the roster unless a newer one is already there. One conditional
   * single-document write, so two consumers racing on the same business still
   * end with the newest profile.
   */
  async saveIfNewer(roster: BusinessRoster): Promise<boolean> {
    const stored = await this.rosters.findById(roster.businessId, { asOf: 1, sourceEventId: 1 }).lean();
    if (!supersedes(roster, stored ?? undefined)) return false;
    const olderThanIncoming = {
      _id: roster.businessId,
      $or: [{ asOf: { $lt: roster.asOf } }, { asOf: roster.asOf, sourceEventId: { $lt: roster.sourceEventId } }],
    };
    const update = { users: roster.users, asOf: roster.asOf, sourceEventId: roster.sourceEventId, updatedAt: new Date() };
    try {
      const result = await this.rosters.updateOne(olderThanIncoming, { $set: update }, { upsert: true });
      return result.modifiedCount + result.upsertedCount > 0;
    } catch (error) {
      // The upsert lost a race to a newer profile inserted meanwhile: that one stays.
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async findByBusinessId(businessId: string): Promise<BusinessRoster | undefined> {
    const doc = await this.rosters.findById(businessId).lean();
    if (!doc) return undefined;
    return { businessId, users: doc.users.map((u) => ({ userId: u.userId, role: u.role })), asOf: doc.asOf, sourceEventId: doc.sourceEventId };
  }
}
