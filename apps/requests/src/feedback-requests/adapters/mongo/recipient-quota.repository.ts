import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '@feedback/persistence';
import { recentSends } from '../../../domain/feedback-request.policy';
import type { RecipientSend } from '../../../domain/feedback-request.types';
import { RECIPIENT_QUOTAS } from './feedback-request.schema';

interface QuotaDoc {
  _id: string;
  sends: (RecipientSend & { requestId?: string })[];
  revision: number;
}

export type Reservation<T, R> = { reserved: true; value: T } | { reserved: false; reason: R };
type Send = RecipientSend & { requestId: string };

/**
 * The F14 counter. Deciding and recording a send happen as one compare-and-set
 * on the person's document (its `revision`), retried on conflict: two requests
 * racing for the same person can't both take the last slot.
 */
@Injectable()
export class RecipientQuotaRepository {
  constructor(@InjectModel(RECIPIENT_QUOTAS) private readonly quotas: Model<QuotaDoc>) {}

  async reserve<T, R>(
    userId: string,
    now: Date,
    decide: (sends: RecipientSend[]) => { reserved: true; value: T; send: Send } | { reserved: false; reason: R },
  ): Promise<Reservation<T, R>> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const doc = await this.quotas.findById(userId).lean<QuotaDoc>();
      const current = doc ? recentSends(doc.sends, now) : [];
      const decision = decide(current);
      if (!decision.reserved) return decision;
      const sends = [...current, decision.send];
      if (!doc) {
        try {
          await this.quotas.collection.insertOne({ _id: userId, sends, revision: 1 } as never);
          return decision;
        } catch (error) {
          if (isDuplicateKeyError(error)) continue;
          throw error;
        }
      }
      const result = await this.quotas.updateOne({ _id: userId, revision: doc.revision }, { $set: { sends, revision: doc.revision + 1 } });
      if (result.modifiedCount === 1) return decision;
    }
    throw new Error(`could not reserve a feedback slot for a recipient after 20 attempts`);
  }

  /** Gives a slot back when the request could not be created after all (e.g. F3 lost a race). */
  async release(userId: string, requestId: string): Promise<void> {
    await this.quotas.updateOne({ _id: userId }, { $pull: { sends: { requestId } }, $inc: { revision: 1 } });
  }
}
