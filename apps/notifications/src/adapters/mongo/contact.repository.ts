import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { saveManyLatest } from '@feedback/persistence';
import { KeyRing } from '@feedback/pii';
import type { Contact } from '../../domain/contact.types';
import { ContactDocument } from './contact.schema';

@Injectable()
export class ContactRepository {
  constructor(
    @InjectModel(ContactDocument.name) private readonly contacts: Model<ContactDocument>,
    private readonly keyRing: KeyRing,
  ) {}

  /**
   * Stores each contact unless a newer version of it is already there (the
   * upstream profile events of a consumer batch): one conditional upsert per
   * person in one bulk write, so redelivered, late and racing events all end
   * with the newest version (no transaction needed). Returns how many were written.
   */
  async saveManyIfNewer(contacts: readonly Contact[]): Promise<number> {
    const updatedAt = new Date();
    const written = await saveManyLatest(
      this.contacts,
      contacts.map((contact) => {
        const context = `contact:${contact.userId}`;
        return {
          id: contact.userId,
          version: { asOf: contact.asOf, sourceEventId: contact.sourceEventId },
          fields: {
            sealedEmail: this.keyRing.seal(contact.email, context),
            sealedDisplayName: this.keyRing.seal(contact.displayName, context),
            preferredLanguage: contact.preferredLanguage,
            updatedAt,
          },
        };
      }),
    );
    return written.size;
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
