// The bare consumer the pipeline is measured against: a kafkajs eachBatch
// consumer that JSON-parses every message and bulk-inserts (insertMany,
// unordered) one document per message it keeps, with no validation,
// idempotency, encryption or secondary index. The baseline runs one in the
// bench's own process. The pipeline's ceiling runs three at once, each in a
// process of its own as the services are, each keeping what one consuming
// service acts on (see CEILING_CONSUMERS).
//
// bare-consumer-process.ts runs one in a child process.
import type { Consumer, Kafka } from 'kafkajs';
import type { Collection } from 'mongodb';

/** What one bare consumer keeps of a topic: every event, or those of some types. */
export type KeptTypes = 'all' | readonly string[];

export interface BareConsumerSpec {
  name: string;
  brokers: string;
  mongoUrl: string;
  topic: string;
  groupId: string;
  db: string;
  collection: string;
  keep: KeptTypes;
  /** Messages to consume before it is done. */
  expected: number;
}

export interface BareProgress {
  consumed: number;
  inserted: number;
}

/**
 * The three consumer groups of feedback.requests.v1 in the pipeline, each
 * doing the least its service must: parse every message (its type is inside),
 * and insert one document per event it acts on. Feedback-store stores answers,
 * notifications records an email per request, analytics counts every event.
 */
export const CEILING_CONSUMERS: readonly { name: string; keep: KeptTypes }[] = [
  { name: 'bare feedback-store', keep: ['FeedbackSubmitted'] },
  { name: 'bare notifications', keep: ['FeedbackRequested'] },
  { name: 'bare analytics', keep: 'all' },
];

/**
 * Subscribes a bare consumer and starts it; resolves once it has joined its
 * group (so nothing published after is missed). `onProgress` sees every batch.
 */
export async function runBareConsumer(
  kafka: Kafka,
  collection: Collection,
  o: { topic: string; groupId: string; keep: KeptTypes; onProgress: (progress: BareProgress) => void },
): Promise<Consumer> {
  const keep = o.keep === 'all' ? undefined : new Set(o.keep);
  const progress: BareProgress = { consumed: 0, inserted: 0 };
  const consumer = kafka.consumer({ groupId: o.groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: o.topic, fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const docs: Record<string, unknown>[] = [];
      for (const m of batch.messages) {
        const event = JSON.parse(m.value!.toString('utf8')) as { id: string; type: string; data: unknown };
        if (!keep || keep.has(event.type)) docs.push({ _id: event.id, type: event.type, data: event.data, partition: batch.partition, offset: m.offset });
      }
      if (docs.length > 0) await collection.insertMany(docs, { ordered: false });
      progress.consumed += batch.messages.length;
      progress.inserted += docs.length;
      o.onProgress(progress);
    },
  });
  await joined;
  return consumer;
}

