import type { AnyBulkWriteOperation, Document } from 'mongodb';
import type { Model } from 'mongoose';
import { duplicateKeyPositions, isDuplicateKeyError } from './mongo-errors';
import { nativeCollection } from './native-collection';

/** Version stamp of a document fed by events: the newest event wins. */
export interface EventVersion {
  asOf: Date;
  sourceEventId: string;
}

/** The version an event gives what it says: its time, and its id for ties. */
export function eventVersion(event: { id: string; occurredAt: string }): EventVersion {
  return { asOf: new Date(event.occurredAt), sourceEventId: event.id };
}

/** A value with the version of the event it came from. */
export interface Versioned<T> {
  value: T;
  version: EventVersion;
}

/** One document to store unless a newer version of it is stored (see saveLatest). */
export interface LatestWrite {
  id: string;
  version: EventVersion;
  fields: Record<string, unknown>;
}

/** Whether `incoming` replaces `stored`: the later `asOf`, ties to the greater event id (the same on every consumer). */
export function isNewerVersion(incoming: EventVersion, stored: EventVersion): boolean {
  const diff = incoming.asOf.getTime() - stored.asOf.getTime();
  return diff !== 0 ? diff > 0 : incoming.sourceEventId > stored.sourceEventId;
}

/**
 * Of several writes to the same document, the one that would be left standing
 * whatever their order: a batch writes each document once.
 */
export function newestPerId(writes: readonly LatestWrite[]): LatestWrite[] {
  const newest = new Map<string, LatestWrite>();
  for (const write of writes) {
    const held = newest.get(write.id);
    if (!held || isNewerVersion(write.version, held.version)) newest.set(write.id, write);
  }
  return [...newest.values()];
}

/** The stored version is older than `version`: the filter that lets an event's write through. */
function olderThan(id: string, version: EventVersion) {
  return { _id: id, $or: [{ asOf: { $lt: version.asOf } }, { asOf: version.asOf, sourceEventId: { $lt: version.sourceEventId } }] };
}

function versionedSet({ version, fields }: LatestWrite) {
  return { $set: { ...fields, asOf: version.asOf, sourceEventId: version.sourceEventId } };
}

/**
 * Stores `fields` as document `id` unless the stored version is newer: one
 * conditional single-document upsert, so redelivered and out-of-order events
 * (and two consumers racing) all end with the newest version. Ties between
 * events of the same instant go to the greater event id, the same on every
 * consumer. Returns whether this event's version was written.
 */
export async function saveLatest<T>(model: Model<T>, id: string, version: EventVersion, fields: Record<string, unknown>): Promise<boolean> {
  try {
    const result = await model.updateOne(olderThan(id, version) as never, versionedSet({ id, version, fields }), { upsert: true });
    return result.modifiedCount + result.upsertedCount > 0;
  } catch (error) {
    // The upsert found no older version but the id exists: the stored one is newer (or this very event).
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/**
 * saveLatest for a batch of events (an upstream topic's consumer batch): one
 * unordered bulk write of the same conditional upserts, each document once
 * (newestPerId). The rule makes the writes commute, so their order does not
 * matter. Returns the ids whose incoming version was written.
 */
export async function saveManyLatest<T>(model: Model<T>, writes: readonly LatestWrite[]): Promise<Set<string>> {
  const newest = newestPerId(writes);
  if (newest.length === 0) return new Set();
  const collection = nativeCollection(model);
  const operations = newest.map((write) => ({ updateOne: { filter: olderThan(write.id, write.version), update: versionedSet(write), upsert: true } })) as unknown as AnyBulkWriteOperation<Document>[];
  let notWritten = new Set<number>();
  try {
    await collection.bulkWrite(operations, { ordered: false });
  } catch (error) {
    // A duplicate key: that document exists with a newer version (or this one), which stays.
    const duplicates = duplicateKeyPositions(error);
    if (!duplicates) throw error;
    notWritten = duplicates;
  }
  return new Set(newest.flatMap((write, i) => (notWritten.has(i) ? [] : [write.id])));
}
