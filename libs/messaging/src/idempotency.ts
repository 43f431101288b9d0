/**
 * Remembers which event ids a consumer group has fully processed, so a
 * redelivered event is skipped. Handlers must still be idempotent on their own:
 * a crash between the handler's write and `markProcessed` redelivers the event.
 */
export abstract class ProcessedEvents {
  abstract isProcessed(eventId: string): Promise<boolean>;
  abstract markProcessed(eventId: string, topic: string): Promise<void>;

  /** The ids among `eventIds` already processed (one round trip in stores that can). */
  async whichProcessed(eventIds: readonly string[]): Promise<Set<string>> {
    const done = new Set<string>();
    for (const id of eventIds) if (await this.isProcessed(id)) done.add(id);
    return done;
  }

  /** Marks several events processed (one round trip in stores that can). */
  async markManyProcessed(eventIds: readonly string[], topic: string): Promise<void> {
    for (const id of eventIds) await this.markProcessed(id, topic);
  }
}

/** For unit tests of handlers only; services use the Mongo-backed store. */
export class InMemoryProcessedEvents extends ProcessedEvents {
  private readonly ids = new Set<string>();
  async isProcessed(eventId: string): Promise<boolean> {
    return this.ids.has(eventId);
  }
  async markProcessed(eventId: string): Promise<void> {
    this.ids.add(eventId);
  }
}

/**
 * For handlers idempotent by their own records (a unique key per fact, an
 * applied-events record written with the effect): nothing to remember twice,
 * so the hot path saves a read and a write per batch.
 */
export class OwnIdempotency extends ProcessedEvents {
  async isProcessed(): Promise<boolean> {
    return false;
  }
  async markProcessed(): Promise<void> {}
  override async whichProcessed(): Promise<Set<string>> {
    return new Set();
  }
  override async markManyProcessed(): Promise<void> {}
}
