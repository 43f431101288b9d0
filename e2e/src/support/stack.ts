import { logLevel, type Consumer, type IHeaders, type Kafka, type KafkaMessage } from 'kafkajs';
import { newKafka } from '@feedback/messaging';
import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { signApiToken, type Role } from '@feedback/auth';
import { DEV_JWT_SECRET } from '@feedback/config';
import { serviceEnvironment, stackUrls, type ServiceName, type StackProfile } from '../../../tools/stack/stack.ts';

/** The profile global-setup started; tests reach the system only through its public addresses. */
export function profile(): StackProfile {
  const raw = process.env.E2E_PROFILE;
  if (!raw) throw new Error('E2E_PROFILE is not set: run the suite through e2e/jest.config.js');
  return JSON.parse(raw) as StackProfile;
}

export const urls = () => stackUrls(profile());
export const serviceUrl = (service: ServiceName) => urls().services[service];
export const serviceEnv = (service: ServiceName) => serviceEnvironment(profile(), service, process.env);

export function token(role: Role, claims: { sub?: string; businessId?: string } = {}, ttlSeconds = 600): string {
  return signApiToken({ sub: claims.sub ?? `${role}-user`, role, businessId: claims.businessId }, DEV_JWT_SECRET, ttlSeconds);
}

export function kafka(): Kafka {
  return newKafka({ clientId: `e2e-${randomUUID()}`, brokers: [urls().kafkaBrokers], logLevel: logLevel.NOTHING });
}

/** Builds an event in the DESIGN.md 3.1 envelope, as an upstream system would. */
export function envelope(type: string, data: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    type,
    version: 1,
    occurredAt: new Date().toISOString(),
    source: 'e2e-upstream',
    correlationId: randomUUID(),
    data,
    ...overrides,
  };
}

/** Publishes raw messages (already-encoded values allowed, to send poison); returns the partitions written to. */
export async function publish(topic: string, messages: { key: string; value: string | Buffer; headers?: IHeaders }[]): Promise<number[]> {
  const producer = kafka().producer();
  await producer.connect();
  try {
    const written = await producer.send({ topic, acks: -1, messages });
    return [...new Set(written.map((w) => w.partition))];
  } finally {
    await producer.disconnect();
  }
}

/**
 * Publishes messages and waits until consumer group `groupId` has committed past
 * every one of them: each was handled, found a duplicate or dead-lettered. For
 * consumers that keep no processed-event record to wait on (their own writes
 * make them idempotent), and whose effect may be nothing at all (a replay).
 */
export async function publishAndAwaitConsumed(groupId: string, topic: string, messages: { key: string; value: string | Buffer }[], timeoutMs = 60_000): Promise<void> {
  const written = await publish(topic, messages);
  // The end of each partition, read after the send, is past every message of ours there.
  await awaitConsumedToEnd(groupId, topic, written, timeoutMs);
}

/**
 * Waits until consumer group `groupId` has committed past what `topic` holds now
 * (on the given partitions, or on all). A group commits the next offset it will
 * read; the end of a partition read now is past every message already there (and
 * perhaps some published since, which the group will also reach).
 */
export async function awaitConsumedToEnd(groupId: string, topic: string, partitions?: readonly number[], timeoutMs = 60_000): Promise<void> {
  const ends = await partitionEnds(topic);
  const which = partitions ?? [...ends.keys()];
  await eventually(
    `${groupId} to consume ${topic} up to its end`,
    async () => {
      const committed = await committedOffsets(groupId, topic);
      // An empty partition has nothing to commit.
      return which.every((partition) => ends.get(partition) === 0 || (committed.get(partition) ?? -1) >= ends.get(partition)!) ? true : undefined;
    },
    timeoutMs,
  );
}

/** The current end (the next offset to be written) of each partition of `topic`. */
export async function partitionEnds(topic: string): Promise<Map<number, number>> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** The group's committed offset per partition of `topic` (-1: none committed; else the next one it will read). */
export async function committedOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((result?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** Reads a topic from the beginning in a throw-away group, collecting what `accept` keeps, until `enough` or timeout. */
export async function collect(topic: string, accept: (m: KafkaMessage) => boolean, enough: (found: KafkaMessage[]) => boolean, timeoutMs = 60_000): Promise<KafkaMessage[]> {
  const consumer: Consumer = kafka().consumer({ groupId: `e2e-reader-${randomUUID()}` });
  const found: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}: found ${found.length}`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (accept(message)) found.push(message);
          if (enough(found)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return found;
  } finally {
    await consumer.disconnect();
  }
}

/** A message read back from a topic, with the partition it is in (offsets are per partition). */
export type ReadMessage = KafkaMessage & { partition: number };

/**
 * Every message of `topic` that `accept` keeps, as of now: reads each partition
 * up to its current end, so the count is exact (for "exactly once" checks).
 */
export async function readAll(topic: string, accept: (m: KafkaMessage) => boolean, timeoutMs = 60_000): Promise<ReadMessage[]> {
  const client = kafka();
  const ends = await partitionEnds(topic);
  const remaining = new Set([...ends].filter(([, high]) => high > 0).map(([partition]) => partition));
  const found: ReadMessage[] = [];
  if (remaining.size === 0) return found;
  // Room for the 1 MB poison messages the poison suite leaves on every topic.
  const consumer = client.consumer({ groupId: `e2e-reader-${randomUUID()}`, maxBytesPerPartition: 4_194_304, maxBytes: 16_777_216 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out reading ${topic} to its end`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const end = ends.get(partition) ?? 0;
          if (Number(message.offset) < end && acceptsSafely(accept, message)) found.push({ ...message, partition });
          if (Number(message.offset) >= end - 1) remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return found;
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Topics also hold the poison suite's bad JSON and huge payloads: a predicate that throws on one of those
 * must not crash the reader (kafkajs would retry the message forever and the read would time out).
 */
function acceptsSafely(accept: (m: KafkaMessage) => boolean, message: KafkaMessage): boolean {
  try {
    return accept(message);
  } catch {
    return false;
  }
}

/**
 * Direct read access to a service's own database, for checks a black box can't make (encryption at rest).
 * `prefix` reaches the database of an extra instance started with its own MONGO_DB_PREFIX.
 */
export async function withDatabase<T>(service: ServiceName, fn: (db: ReturnType<MongoClient['db']>) => Promise<T>, prefix?: string): Promise<T> {
  const client = new MongoClient(urls().mongoUrl, { directConnection: true, serverSelectionTimeoutMS: 5000 });
  await client.connect();
  try {
    return await fn(client.db(`${prefix ?? serviceEnv(service).MONGO_DB_PREFIX ?? ''}${service}`));
  } finally {
    await client.close();
  }
}

/** Polls until `probe` returns a value (not undefined) or the time is up. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
