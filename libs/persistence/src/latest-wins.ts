import type { Model } from 'mongoose';
import { isDuplicateKeyError } from './mongo-errors';

/** Version stamp of a document fed by events: the newest event wins. */
export interface EventVersion {
  asOf: Date;
  sourceEventId: string;
}

/**
 * Stores `fields` as document `id` unless the stored version is newer: one
 * conditional single-document upsert, so redelivered and out-of-order events
 * (and two consumers racing) all end with the newest version. Ties between
 * events of the same instant go to the greater event id, the same on every
 * consumer. Returns whether this event's version was written.
 */
export async function saveLatest<T>(model: Model<T>, id: string, version: EventVersion, fields: Record<string, unknown>): Promise<boolean> {
  const olderThanIncoming = {
    _id: id,
    $or: [{ asOf: { $lt: version.asOf } }, { asOf: version.asOf, sourceEventId: { $lt: version.sourceEventId } }],
  };
  try {
    const result = await model.updateOne(olderThanIncoming as never, { $set: { ...fields, asOf: version.asOf, sourceEventId: version.sourceEventId } }, { upsert: true });
    return result.modifiedCount + result.upsertedCount > 0;
  } catch (error) {
    // The upsert found no older version but the id exists: the stored one is newer (or this very event).
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
