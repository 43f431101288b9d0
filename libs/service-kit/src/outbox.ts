import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
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

/** How long one instance may take to publish a document's entries before another may try. */
const LEASE_MS = 15_000;
/** Most documents published together: one claim, one find, one send per topic, one acknowledgement. */
const MAX_BATCH = 200;
/**
 * How long a flush waits for others before its batch goes (as a Kafka producer's
 * linger). Every batch costs three store round trips and a send, whatever its
 * size; without the wait, answers arriving a few milliseconds apart went out in
 * batches of a few. `POST /respond` in the bench, alternated: 640 and 723 answers/s
 * without, 708 and 791 with 5 ms, 686 and 740 with 20 ms. An event reaches the
 * broker at most this much later.
 */
const FLUSH_LINGER_MS = 5;

/**
 * Publishes outbox entries: right after a write (fast path) and on a periodic
 * sweep (after a crash, or while the broker was down). A second relay instance
 * may publish an entry twice; consumers are idempotent on the event id.
 *
 * Flushes are coalesced: the documents flushed while a batch is being
 * published go out together in the next one (kafkajs has no producer linger;
 * under load this turns a broker round trip per change into one per batch).
 */
@Injectable()
export class OutboxRelay implements BeforeApplicationShutdown {
  private readonly log = new Logger('OutboxRelay');
  private readonly collections = new Set<string>();
  /** Per collection: documents waiting for the next batch, and who waits for them. */
  private readonly queued = new Map<string, Map<string, { id: unknown; waiting: (() => void)[] }>>();
  private readonly draining = new Set<string>();
  private timer?: NodeJS.Timeout;
  /** The sweep under way, if any: one at a time, and shutdown waits for it. */
  private sweeping?: Promise<void>;

  constructor(
    private readonly publisher: EventPublisher,
    @InjectConnection() private readonly connection: Connection,
  ) {}

  /** Starts sweeping `collection` (call from a module's onModuleInit). */
  watch(collection: string, intervalMs = 1000): void {
    this.collections.add(collection);
    this.timer ??= setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => (this.sweeping = undefined));
    }, intervalMs);
  }

  /** Publishes the pending entries of one document soon; resolves when tried. Failures are left to the sweep. */
  flush(collection: string, id: unknown): Promise<void> {
    return new Promise((resolve) => {
      const queue = this.queued.get(collection) ?? new Map<string, { id: unknown; waiting: (() => void)[] }>();
      this.queued.set(collection, queue);
      const key = String(id);
      queue.set(key, { id, waiting: [...(queue.get(key)?.waiting ?? []), resolve] });
      if (!this.draining.has(collection)) void this.drain(collection);
    });
  }

  private async drain(collection: string): Promise<void> {
    this.draining.add(collection);
    try {
      // Waits a moment for the flushes of the writes under way to join the first batch.
      if ((this.queued.get(collection)?.size ?? 0) < MAX_BATCH) await new Promise((resolve) => setTimeout(resolve, FLUSH_LINGER_MS));
      for (let queue = this.queued.get(collection); queue && queue.size > 0; queue = this.queued.get(collection)) {
        const batch = [...queue.entries()].slice(0, MAX_BATCH);
        for (const [key] of batch) queue.delete(key);
        try {
          await this.publishDocuments(
            collection,
            batch.map(([, entry]) => entry.id),
          );
        } catch (error) {
          this.log.warn(`outbox flush of ${collection} failed, the sweep will retry: ${(error as Error).message}`);
        } finally {
          for (const [, entry] of batch) for (const resolve of entry.waiting) resolve();
        }
      }
    } finally {
      this.draining.delete(collection);
    }
  }

  /** Never rejects: a failed sweep is retried by the next one. */
  private async sweep(): Promise<void> {
    try {
      for (const collection of this.collections) {
        const pending = await this.connection
          .collection(collection)
          .find({ outboxPending: true }, { projection: { _id: 1 } })
          .limit(MAX_BATCH)
          .toArray();
        if (pending.length > 0) await this.publishDocuments(collection, pending.map((doc) => doc._id));
      }
    } catch (error) {
      this.log.warn(`outbox sweep failed, retrying: ${(error as Error).message}`);
    }
  }

  /**
   * Takes a short lease on the documents so that, of several instances, one
   * publishes their entries; a lease expires by itself if that one crashes.
   */
  private async publishDocuments(collection: string, ids: unknown[]): Promise<void> {
    const coll = this.connection.collection(collection);
    const now = new Date();
    const lease = randomUUID();
    await coll.updateMany(
      { _id: { $in: ids as never[] }, outboxPending: true, $or: [{ outboxLeaseUntil: { $exists: false } }, { outboxLeaseUntil: null }, { outboxLeaseUntil: { $lt: now } }] },
      { $set: { outboxLeaseUntil: new Date(now.getTime() + LEASE_MS), outboxLease: lease } },
    );
    const claimed = await coll.find({ _id: { $in: ids as never[] }, outboxLease: lease }, { projection: { outbox: 1 } }).toArray();
    if (claimed.length === 0) return;
    const claimedIds = claimed.map((doc) => doc._id);
    const release = { updateMany: { filter: { _id: { $in: claimedIds }, outboxLease: lease }, update: { $set: { outboxLeaseUntil: null, outboxLease: null } } } };
    try {
      // One send per topic; within it, each document's entries in array order: per-aggregate
      // order is the order the changes happened (a document's entries share a key, so a partition).
      const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
      for (const doc of claimed) {
        for (const entry of (doc.outbox ?? []) as OutboxEntry[]) {
          const messages = byTopic.get(entry.topic) ?? [];
          messages.push({ key: entry.key, value: entry.value, headers: { 'event-id': entry.id } });
          byTopic.set(entry.topic, messages);
        }
      }
      for (const [topic, messages] of byTopic) await this.publisher.sendRaw(topic, messages);
    } catch (error) {
      await coll.bulkWrite([release] as never[]);
      throw error;
    }
    // The acknowledgement in one round trip, in this order: take the published entries off,
    // clear the flag where nothing was appended meanwhile, give the lease back.
    await coll.bulkWrite(
      [
        ...claimed.map((doc) => ({
          updateOne: { filter: { _id: doc._id }, update: { $pull: { outbox: { id: { $in: ((doc.outbox ?? []) as OutboxEntry[]).map((e) => e.id) } } } } },
        })),
        { updateMany: { filter: { _id: { $in: claimedIds }, outbox: { $size: 0 } }, update: { $set: { outboxPending: false } } } },
        release,
      ] as never[],
      { ordered: true },
    );
  }

  // Before the application's shutdown hooks close the store's connection (mongoose's onApplicationShutdown):
  // a sweep started after that only failed, with a warning in the log. What is left is published by the next start.
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }
}
