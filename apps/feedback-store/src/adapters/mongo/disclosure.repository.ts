import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { SealedValue } from '@feedback/contracts';
import { isDuplicateKeyError } from '@feedback/persistence';
import { appendToOutbox, type OutboxEntry } from '@feedback/service-kit';
import type { Disclosure, Identification } from '../../domain/disclosure.types';
import { DisclosureDocument } from './disclosure.schema';

/** A stored disclosure with what the adapters need besides the domain facts. */
export interface StoredDisclosure extends Disclosure {
  correlationId: string;
}

/** What the consumer writes, once. */
export interface NewDisclosure extends Disclosure {
  sourceEventId: string;
  correlationId: string;
  receivedAt: Date;
}

@Injectable()
export class DisclosureRepository {
  constructor(@InjectModel(DisclosureDocument.name) private readonly disclosures: Model<DisclosureDocument>) {}

  async findByRequestId(requestId: string): Promise<StoredDisclosure | undefined> {
    const doc = await this.disclosures.findById(requestId, { outbox: 0 }).lean();
    if (!doc) return undefined;
    return {
      requestId: doc._id,
      businessId: doc.businessId,
      reviewId: doc.reviewId,
      requestedBy: doc.requestedBy,
      sharedFields: doc.sharedFields,
      providedAt: doc.providedAt,
      ...(doc.sealed ? { sealed: sealedOf(doc.sealed) } : {}),
      ...(doc.purgedAt ? { purgedAt: doc.purgedAt } : {}),
      ...(doc.identification ? { identification: doc.identification } : {}),
      correlationId: doc.correlationId,
    };
  }

  /**
   * Inserts the first disclosure of a request. `_id` is the requestId, so a
   * second insert fails on the unique key and nothing already stored changes.
   * Returns false when one was there already.
   */
  async insertOnce(disclosure: NewDisclosure): Promise<boolean> {
    try {
      await this.disclosures.create({
        _id: disclosure.requestId,
        businessId: disclosure.businessId,
        reviewId: disclosure.reviewId,
        requestedBy: disclosure.requestedBy,
        sharedFields: disclosure.sharedFields,
        providedAt: disclosure.providedAt,
        ...(disclosure.sealed ? { sealed: sealedOf(disclosure.sealed), keyId: disclosure.sealed.keyId } : {}),
        ...(disclosure.purgedAt ? { purgedAt: disclosure.purgedAt } : {}),
        receivedAt: disclosure.receivedAt,
        sourceEventId: disclosure.sourceEventId,
        correlationId: disclosure.correlationId,
        outbox: [],
        outboxPending: false,
      });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /**
   * Sets the identification and queues its event in ONE single-document update.
   * Only applies if the stored answer differs from the new one, so a concurrent
   * identical write emits no second event. Returns false when nothing changed.
   */
  async recordIdentification(requestId: string, businessId: string, identification: Identification, event: OutboxEntry): Promise<boolean> {
    const outbox = appendToOutbox([event]);
    const result = await this.disclosures.updateOne(
      { _id: requestId, businessId, 'identification.identified': { $ne: identification.identified } },
      { $set: { identification, ...outbox.$set }, $push: outbox.$push },
    );
    return result.modifiedCount > 0;
  }

  /**
   * Removes the sealed values of every disclosure provided at or before
   * `cutoff` that still has them, keeping the facts and stamping `purgedAt`.
   * One conditional update: two instances sweeping at once purge each record
   * once, and a record is never purged twice.
   */
  async purgeProvidedUpTo(cutoff: Date, now: Date): Promise<number> {
    const result = await this.disclosures.updateMany(
      { purgedAt: { $exists: false }, providedAt: { $lte: cutoff } },
      { $set: { purgedAt: now }, $unset: { sealed: '', keyId: '' } },
    );
    return result.modifiedCount;
  }
}

/** Only the four fields of a sealed value, whatever else a stored object may carry. */
function sealedOf(value: SealedValue): SealedValue {
  return { keyId: value.keyId, iv: value.iv, tag: value.tag, ciphertext: value.ciphertext };
}
