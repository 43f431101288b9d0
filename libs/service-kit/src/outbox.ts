import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { Envelope, TopicDefinition } from '@feedback/contracts';
import { EventPublisher } from '@feedback/messaging';

/**
 * An event waiting to be published, kept inside the document whose change it
 * describes. The dev store has no multi-document transactions, so the state
 * change and its events are written in ONE single-document update; the relay
 * publishes them afterwards, in order, until the broker has acknowledged them.
 */
export interface OutboxEntry {
  id: string;
  topic: string;
  key: string;
  value: string;
}

/** Fields an aggregate document carries to use the outbox. */
export interface WithOutbox {
  outbox: OutboxEntry[];
  /** Indexed flag: the relay's sweep finds pending documents without scanning arrays. */
  outboxPending: boolean;
}

export function outboxEntry(topic: TopicDefinition, envelope: Envelope): OutboxEntry {
  const key = (envelope.data as Record<string, unknown>)[topic.keyField];
  if (typeof key !== 'string') throw new Error(`${envelope.type} has no ${topic.keyField} to key ${topic.name} by`);
  return { id: envelope.id, topic: topic.name, key, value: JSON.stringify(envelope) };
}

/** The update fragment that appends events to a document's outbox, to merge into the state change. */
export function appendToOutbox(entries: OutboxEntry[]): { $push: { outbox: { $each: OutboxEntry[] } }; $set: { outboxPending: true } } {
  return { $push: { outbox: { $each: entries } }, $set: { outboxPending: true } };
}

/**
 * Publishes outbox entries: right after a write (fast path) and on a periodic
 * sweep (after a crash, or while the broker was down). A second relay instance
 * may publish an entry twice; consumers are idempotent on the event id.
 */
/** How long one instance may take to publish a document's entries before another may try. */
const LEASE_MS = 15_000;

@Injectable()
export class OutboxRelay implements OnApplicationShutdown {
  private readonly log = new Logger('OutboxRelay');
  private readonly collections = new Set<string>();
  private timer?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly publisher: EventPublisher,
    @InjectConnection() private readonly connection: Connection,
  ) {}

  /** Starts sweeping `collection` (call from a module's onModuleInit). */
  watch(collection: string, intervalMs = 1000): void {
    this.collections.add(collection);
    this.timer ??= setInterval(() => void this.sweep(), intervalMs);
  }

  /** Publishes the pending entries of one document now; failures are left to the sweep. */
  async flush(collection: string, id: unknown): Promise<void> {
    try {
      await this.publishDocument(collection, id);
    } catch (error) {
      this.log.warn(`outbox flush of ${collection} failed, the sweep will retry: ${(error as Error).message}`);
    }
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const collection of this.collections) {
        const pending = await this.connection
          .collection(collection)
          .find({ outboxPending: true }, { projection: { _id: 1 } })
          .limit(200)
          .toArray();
        for (const doc of pending) await this.publishDocument(collection, doc._id);
      }
    } catch (error) {
      this.log.warn(`outbox sweep failed, retrying: ${(error as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * Takes a short lease on the document so that, of several instances, one
   * publishes its entries; the lease expires by itself if that one crashes.
   */
  private async publishDocument(collection: string, id: unknown): Promise<void> {
    const coll = this.connection.collection(collection);
    const now = new Date();
    const claimed = await coll.findOneAndUpdate(
      { _id: id as never, outboxPending: true, $or: [{ outboxLeaseUntil: { $exists: false } }, { outboxLeaseUntil: null }, { outboxLeaseUntil: { $lt: now } }] },
      { $set: { outboxLeaseUntil: new Date(now.getTime() + LEASE_MS) } },
      { projection: { outbox: 1 }, returnDocument: 'after' },
    );
    if (!claimed) return;
    const entries = (claimed.outbox ?? []) as OutboxEntry[];
    try {
      // In array order: per-aggregate order is the order the changes happened.
      for (const entry of entries) {
        await this.publisher.sendRaw(entry.topic, [{ key: entry.key, value: entry.value, headers: { 'event-id': entry.id } }]);
      }
      if (entries.length > 0) {
        await coll.updateOne({ _id: id as never }, { $pull: { outbox: { id: { $in: entries.map((e) => e.id) } } } } as never);
      }
      // Only clears the flag if nothing was appended meanwhile.
      await coll.updateOne({ _id: id as never, outbox: { $size: 0 } }, { $set: { outboxPending: false } });
    } finally {
      await coll.updateOne({ _id: id as never }, { $set: { outboxLeaseUntil: null } });
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
