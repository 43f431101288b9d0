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
    return (await this.collection.countDocuments({ _id: eventId }, { limit: 1 })) > 0;
  }

  async markProcessed(eventId: string, topic: string): Promise<void> {
    try {
      await this.collection.insertOne({ _id: eventId, topic, processedAt: new Date() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}
