/**
 * Remembers which event ids a consumer group has fully processed, so a
 * redelivered event is skipped. Handlers must still be idempotent on their own:
 * a crash between the handler's write and `markProcessed` redelivers the event.
 */
export abstract class ProcessedEvents {
  abstract isProcessed(eventId: string): Promise<boolean>;
  abstract markProcessed(eventId: string, topic: string): Promise<void>;
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
