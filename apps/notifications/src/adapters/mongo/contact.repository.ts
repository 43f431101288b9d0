import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '@feedback/persistence';
import { KeyRing } from '@feedback/pii';
import { supersedes } from '../../domain/directory.policy';
import type { Contact } from '../../domain/contact.types';
import { ContactDocument } from './contact.schema';

@Injectable()
export class ContactRepository {
  constructor(
    @InjectModel(ContactDocument.name) private readonly contacts: Model<ContactDocument>,
    private readonly keyRing: KeyRing,
  ) {}

  /**
   * Stores the contact unless a newer version is already there. One conditional
   * single-document write, so two consumers racing on the same person still end
   * with the newest version (no transaction needed).
   */
  async saveIfNewer(contact: Contact): Promise<boolean> {
    const stored = await this.contacts.findById(contact.userId, { asOf: 1, sourceEventId: 1 }).lean();
    if (!supersedes(contact, stored ?? undefined)) return false;
    const context = `contact:${contact.userId}`;
    const update = {
      sealedEmail: this.keyRing.seal(contact.email, context),
      sealedDisplayName: this.keyRing.seal(contact.displayName, context),
      preferredLanguage: contact.preferredLanguage,
      asOf: contact.asOf,
      sourceEventId: contact.sourceEventId,
      updatedAt: new Date(),
    };
    const olderThanIncoming = {
      _id: contact.userId,
      $or: [{ asOf: { $lt: contact.asOf } }, { asOf: contact.asOf, sourceEventId: { $lt: contact.sourceEventId } }],
    };
    try {
      const result = await this.contacts.updateOne(olderThanIncoming, { $set: update }, { upsert: true });
      return result.modifiedCount + result.upsertedCount > 0;
    } catch (error) {
      // The upsert lost a race to a newer version inserted meanwhile: that one stays.
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async findByUserId(userId: string): Promise<Contact | undefined> {
    return (await this.findByUserIds([userId])).get(userId);
  }

  /** Many contacts in one read (a consumer batch's recipients), with their details opened. */
  async findByUserIds(userIds: readonly string[]): Promise<Map<string, Contact>> {
    if (userIds.length === 0) return new Map();
    const docs = await this.contacts.find({ _id: { $in: [...userIds] } }).lean();
    return new Map(
      docs.map((doc) => {
        const context = `contact:${doc._id}`;
        const contact: Contact = {
          userId: doc._id,
          email: this.keyRing.open(doc.sealedEmail, context),
          displayName: this.keyRing.open(doc.sealedDisplayName, context),
          preferredLanguage: doc.preferredLanguage,
          asOf: doc.asOf,
          sourceEventId: doc.sourceEventId,
        };
        return [doc._id, contact];
      }),
    );
  }
}
