import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { encodeCursor, type CursorPosition, type Page } from '@feedback/http';
import type { DetailsRead } from '../../domain/disclosure.types';
import { DisclosureReadDocument } from './disclosure-read.schema';

@Injectable()
export class DisclosureReadRepository {
  constructor(@InjectModel(DisclosureReadDocument.name) private readonly reads: Model<DisclosureReadDocument>) {}

  /** Appends one audit record; resolves only once it is stored. */
  async append(requestId: string, businessId: string, read: DetailsRead): Promise<void> {
    await this.reads.create({ _id: randomUUID(), requestId, businessId, readBy: read.readBy, readAt: read.readAt, purpose: read.purpose });
  }

  /** The reads of one request, newest first, `limit` at a time after `after`. */
  async newestFirst(requestId: string, limit: number, after?: CursorPosition): Promise<Page<DetailsRead>> {
    const filter = after
      ? { requestId, $or: [{ readAt: { $lt: after.at } }, { readAt: after.at, _id: { $lt: after.id } }] }
      : { requestId };
    const docs = await this.reads
      .find(filter)
      .sort({ readAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean();
    const items = docs.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map((doc) => ({ readBy: doc.readBy, readAt: doc.readAt, purpose: doc.purpose })),
      ...(docs.length > limit && last ? { nextCursor: encodeCursor({ at: last.readAt, id: last._id }) } : {}),
    };
  }
}
