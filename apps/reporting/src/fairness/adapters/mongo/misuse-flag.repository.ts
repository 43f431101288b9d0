import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { CursorPosition } from '@feedback/http';
import { isDuplicateKeyError } from '@feedback/persistence';
import type { OutboxEntry } from '@feedback/service-kit';
import type { EvaluatedFigures, MisuseFlag } from '../../../domain/misuse-flag.types';
import { MISUSE_FLAGS } from './misuse-flag.schema';

interface FlagDoc extends Omit<MisuseFlag, 'id'> {
  _id: string;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

const WITHOUT_OUTBOX = { outbox: 0 };

function toFlag(doc: FlagDoc): MisuseFlag {
  const flag: MisuseFlag = {
    id: doc._id,
    businessId: doc.businessId,
    sequence: doc.sequence,
    status: doc.status,
    raisedAt: doc.raisedAt,
    reportId: doc.reportId,
    raisedWith: doc.raisedWith,
  };
  if (doc.latest) flag.latest = doc.latest;
  if (doc.clearedAt) flag.clearedAt = doc.clearedAt;
  return flag;
}

export const flagId = (businessId: string, sequence: number) => `${businessId}#${sequence}`;

@Injectable()
export class MisuseFlagRepository {
  constructor(@InjectModel(MISUSE_FLAGS) private readonly flags: Model<FlagDoc>) {}

  /** The business's most recent flag, active or cleared. */
  async findLatest(businessId: string): Promise<MisuseFlag | undefined> {
    const doc = await this.flags.findOne({ businessId }, WITHOUT_OUTBOX).sort({ sequence: -1 }).lean<FlagDoc>();
    return doc ? toFlag(doc) : undefined;
  }

  async hasActiveFlag(businessId: string): Promise<boolean> {
    return (await this.findLatest(businessId))?.status === 'active';
  }

  /** Inserts the flag with its ReportingMisuseFlagged event; false if another evaluation raised it first. */
  async raise(flag: MisuseFlag, events: OutboxEntry[]): Promise<boolean> {
    const { id, ...fields } = flag;
    try {
      await this.flags.collection.insertOne({ _id: id, ...fields, outbox: events, outboxPending: true } as never);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async recordEvaluation(id: string, latest: EvaluatedFigures): Promise<void> {
    await this.flags.updateOne({ _id: id, status: 'active' }, { $set: { latest } });
  }

  async clear(id: string, latest: EvaluatedFigures): Promise<void> {
    await this.flags.updateOne({ _id: id, status: 'active' }, { $set: { status: 'cleared', clearedAt: latest.evaluatedAt, latest } });
  }

  /** Flags, newest first, of one business or all, after `cursor`. */
  async list(filter: { businessId?: string; status?: MisuseFlag['status'] }, limit: number, cursor?: CursorPosition): Promise<MisuseFlag[]> {
    const query: Record<string, unknown> = {};
    if (filter.businessId) query.businessId = filter.businessId;
    if (filter.status) query.status = filter.status;
    if (cursor) query.$or = [{ raisedAt: { $lt: cursor.at } }, { raisedAt: cursor.at, _id: { $lt: cursor.id } }];
    const docs = await this.flags.find(query as never, WITHOUT_OUTBOX).sort({ raisedAt: -1, _id: -1 }).limit(limit).lean<FlagDoc[]>();
    return docs.map(toFlag);
  }
}
