import type { Connection } from 'mongoose';
import { isDuplicateKeyError } from '@feedback/persistence';
import { ProcessedEvents } from '@feedback/messaging';

interface ProcessedEventDoc {
  _id: string;
  topic: string;
  processedAt: Date;
}

/** Event ids this service has fully processed; `_id` is the event id, so marking twice is harmless. */
export class MongoProcessedEvents extends ProcessedEvents {
  constructor(private readonly connection: Connection) {
    super();
  }

  private get collection() {
    return this.connection.collection<ProcessedEventDoc>('processed_events');
  }

  async isProcessed(eventId: string): Promise<boolean> {
    // A find, not countDocuments: a count is an aggregation, which the local store runs as a full scan.
    return (await this.collection.findOne({ _id: eventId }, { projection: { _id: 1 } })) !== null;
  }

  override async whichProcessed(eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const docs = await this.collection.find({ _id: { $in: [...eventIds] } }, { projection: { _id: 1 } }).toArray();
    return new Set(docs.map((d) => d._id));
  }

  override async markManyProcessed(eventIds: readonly string[], topic: string): Promise<void> {
    if (eventIds.length === 0) return;
    const processedAt = new Date();
    try {
      await this.collection.insertMany(
        eventIds.map((_id) => ({ _id, topic, processedAt })),
        { ordered: false },
      );
    } catch (error) {
      // Unordered: every id that was not there yet is inserted; duplicates are the ones marked before.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async markProcessed(eventId: string, topic: string): Promise<void> {
    try {
      await this.collection.insertOne({ _id: eventId, topic, processedAt: new Date() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}
