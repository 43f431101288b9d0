import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, EventPattern, Server } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { findTopic, type Envelope, type TopicDefinition } from '@feedback/contracts';
import type { EventPublisher } from './event-publisher';
import { OwnIdempotency, type ProcessedEvents } from './idempotency';
import { processBatch, type BatchResult } from './batch-processor';
import { processMessage, type ProcessOutcome, type ProcessorDeps } from './message-processor';
import { backoffMs } from './failures';

export interface KafkaEventServerOptions {
  kafka: Kafka;
  groupId: string;
  publisher: EventPublisher;
  processed: ProcessedEvents;
  /** Called for every consumed message (metrics). */
  onOutcome?: (outcome: ProcessOutcome, topic: string) => void;
  /** Most events handed to one call of a batch handler (bounds memory and the work redone after a crash). */
  maxBatchSize?: number;
  /** Partitions processed at once (default 3); each keeps its own order. */
  partitionsConsumedConcurrently?: number;
  /**
   * A running consumer out of its group for longer than this is replaced by a
   * new one (default 60 s): whatever wedged it, the service heals itself
   * instead of staying deaf (and unhealthy) until someone restarts it.
   */
  recreateAfterMs?: number;
}

const BATCH_SUFFIX = '#batch';
/**
 * A fetch waits for this many bytes, at most FETCH_MAX_WAIT_MS. With kafkajs's
 * defaults (1 byte) a busy topic was fetched a handful of messages at a time, as
 * fast as the handler returned: hundreds of fetches a second per service, each
 * batch paying its own store round trips. The wait bounds what this adds to an
 * event's latency on a quiet topic; at 100 ms an idle consumer costs the broker
 * about what kafkajs's 5 s default did (25 ms cost 0.18 of a core, measured).
 *
 * 64 KB rather than 16 KB: at a few hundred events a second a batch still cost
 * mostly its fixed part (the fetch, the store round trips), and the consumers
 * of the answers' events spent as much CPU per answer as the broker and half
 * what the requests service did, on the same two cores. Measured with the
 * bench's respondent scenario (CPU ms per answer): feedback-store 0.21 -> 0.11,
 * analytics 0.20 -> 0.10, the broker 0.22 -> 0.13; POST /respond 755 and 774
 * -> 907 and 917 answers/s. The price is latency while the flow is steady: at
 * 1,000 answers/s p50/p99 25/80 -> 78/150 ms (32 KB: 45/95 ms).
 */
const FETCH_MIN_BYTES = 65_536;
const FETCH_MAX_WAIT_MS = 100;
const OWN_IDEMPOTENCY = new OwnIdempotency();
const RECREATE_AFTER_MS = 60_000;

/**
 * Marks a controller method as the handler of every event on `topic`. It
 * receives the validated envelope (`@Payload()`) and a KafkaEventContext (`@Ctx()`).
 */
export function OnTopic(topic: TopicDefinition): MethodDecorator {
  return EventPattern(topic.name) as MethodDecorator;
}

/**
 * Marks a controller method as the batch handler of `topic`, for hot topics:
 * it receives `Envelope[]` (validated, not processed before, in partition
 * order, at most `maxBatchSize`) and may return a `BatchResult` naming events
 * it refuses for good. It must be idempotent like any handler: a crash before
 * the offsets are committed hands it the same events again.
 */
export function OnTopicBatch(topic: TopicDefinition, options: BatchHandlerOptions = {}): MethodDecorator {
  return EventPattern(`${topic.name}${BATCH_SUFFIX}`, { ...options }) as MethodDecorator;
}

export interface BatchHandlerOptions {
  /**
   * The handler records each event's effect under a unique key of its own, so
   * a redelivered event changes nothing: the consumer keeps no processed-event
   * record for it (one read and one write less per batch on a hot topic).
   */
  ownIdempotency?: boolean;
  /**
   * Most events per call, instead of the consumer's `maxBatchSize`: a handler
   * whose writes are per group of events (not per event) writes less per event
   * when given more at once.
   */
  maxBatchSize?: number;
  /**
   * The event types the handler acts on, when not all of the topic's: the
   * others are skipped before the processed-event lookup (no mark, no call),
   * so a service pays nothing for the events of a hot topic it ignores.
   */
  types?: readonly string[];
}

/** Context handed to `@Ctx()` in event handlers. */
export class KafkaEventContext {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: string,
  ) {}
}

/**
 * A Nest transport for the platform's topics. Handlers are ordinary
 * `@EventPattern(topicName)` methods receiving the validated envelope; this
 * server owns what the stock Kafka transport does not: the original bytes for
 * dead letters, payload validation per event type, idempotency on the event id,
 * retries without loss, and committing an offset only after its effects are stored.
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  private consumer?: Consumer;
  private running = false;
  private closing = false;
  /** Since when the running consumer has been out of its group (undefined: in it, or not running). */
  private outOfGroupSince?: number;
  private topics: TopicDefinition[] = [];
  private watchdog?: NodeJS.Timeout;
  private recreating?: Promise<void>;
  /** Bumped by every start-up loop and every replacement: an older loop stops at its next turn. */
  private generation = 0;
  /** Batches being handled now, one per partition consumed at once. */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly log = new Logger('KafkaEventServer');

  constructor(private readonly options: KafkaEventServerOptions) {
    super();
  }

  /** Whether the consumer is connected and in its group (for /health); not while it shuts down. */
  isConnected(): boolean {
    return !this.closing && (!this.running || this.outOfGroupSince === undefined);
  }

  listen(callback: (error?: unknown) => void): void {
    const patterns = [...this.messageHandlers.keys()];
    const names = new Set(patterns.map((pattern) => (pattern.endsWith(BATCH_SUFFIX) ? pattern.slice(0, -BATCH_SUFFIX.length) : pattern)));
    const topics = [...names].map((name) => {
      const topic = findTopic(name);
      if (!topic) throw new Error(`@EventPattern('${name}') is not a topic of @feedback/contracts`);
      if (patterns.includes(name) && patterns.includes(`${name}${BATCH_SUFFIX}`)) throw new Error(`${name} has both an @OnTopic and an @OnTopicBatch handler; keep one`);
      return topic;
    });
    callback();
    if (topics.length === 0) return;
    this.topics = topics;
    const recreateAfterMs = this.options.recreateAfterMs ?? RECREATE_AFTER_MS;
    this.watchdog = setInterval(() => this.recreateIfWedged(recreateAfterMs), Math.max(100, recreateAfterMs / 4));
    this.watchdog.unref();
    void this.startWithRetry();
  }

  private recreateIfWedged(recreateAfterMs: number): void {
    if (this.outOfGroupSince === undefined || this.closing || this.recreating) return;
    const outFor = Date.now() - this.outOfGroupSince;
    if (outFor >= recreateAfterMs) void this.recreate(`out of its group for ${(outFor / 1000).toFixed(1)} s`);
  }

  /**
   * Replaces the consumer with a new one. kafkajs gives up for good on a
   * consumer that crashed on an error it deems non-retriable, and a consumer
   * can wedge outside its group (a joining retry loop that never ends); either
   * way the service would stay deaf and unhealthy until restarted by hand. The
   * new consumer resumes from the committed offsets: events handled but not
   * committed are handed over again, which idempotent handlers absorb.
   */
  private recreate(reason: string): Promise<void> {
    this.recreating ??= (async () => {
      this.log.warn(`recreating the consumer: ${reason}`);
      const replaced = this.consumer;
      // From here on the old consumer is not current: its start-up loop ends, its events are ignored.
      this.consumer = undefined;
      this.generation++;
      await replaced?.disconnect().catch(() => undefined);
      await Promise.allSettled([...this.inFlight]);
      if (this.closing) return;
      this.outOfGroupSince = Date.now();
      // Not awaited: a new consumer that wedges while joining is itself recreated later.
      void this.startWithRetry();
    })().finally(() => (this.recreating = undefined));
    return this.recreating;
  }

  /** The service boots (and reports unhealthy) while the broker is down; consuming starts once it is back. */
  private async startWithRetry(): Promise<void> {
    const generation = ++this.generation;
    this.running = true;
    this.outOfGroupSince ??= Date.now();
    for (let attempt = 0; this.running && generation === this.generation; attempt++) {
      const consumer = this.createConsumer();
      try {
        await this.start(consumer);
        return;
      } catch (error) {
        this.log.warn(`cannot start consuming yet (${(error as Error).message}); retrying`);
        await consumer.disconnect().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt, 500, 10_000)));
      }
    }
  }

  private createConsumer(): Consumer {
    const consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      minBytes: FETCH_MIN_BYTES,
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      // A crashed consumer restarts itself instead of leaving the service silently deaf.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 500, maxRetryTime: 15_000 },
    });
    this.consumer = consumer;
    // A replaced consumer says nothing about the current one's state.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.isCurrent(consumer)) this.outOfGroupSince = undefined;
    });
    consumer.on(consumer.events.DISCONNECT, () => {
      if (this.isCurrent(consumer)) this.leftGroup();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!this.isCurrent(consumer)) {
        // kafkajs arms its restart right after this event; stopping clears it, so a
        // replaced consumer cannot come back and rejoin the group.
        setImmediate(() => void consumer.disconnect().catch(() => undefined));
        return;
      }
      this.leftGroup();
      this.log.error(`consumer crashed: ${event.payload.error.message} (restart: ${event.payload.restart})`);
      // kafkajs restarts the consumer itself only after an error it deems retriable.
      if (!event.payload.restart && !this.closing) void this.recreate(`kafkajs gave up on it after ${event.payload.error.name}`);
    });
    return consumer;
  }

  private isCurrent(consumer: Consumer): boolean {
    return this.consumer === consumer;
  }

  private async start(consumer: Consumer): Promise<void> {
    await this.options.publisher.connect();
    await consumer.connect();
    for (const topic of this.topics) await consumer.subscribe({ topic: topic.name, fromBeginning: true });
    // Closed, or replaced, while connecting: this consumer must not start fetching.
    if (!this.running || !this.isCurrent(consumer)) {
      await consumer.disconnect();
      return;
    }
    await consumer.run({
      // Partitions are independent (order is kept within each): while one partition's batch
      // waits on the store, another's can be decoded and written. Three: the topics' partitions.
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        if (this.isCurrent(consumer)) return this.tracked(this.consumeBatch(payload));
        // A replaced consumer still fetching: stop it (not awaited: it waits for this batch).
        void consumer.disconnect().catch(() => undefined);
      },
    });
  }

  private leftGroup(): void {
    if (!this.closing) this.outOfGroupSince ??= Date.now();
  }

  private async consumeBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary, uncommittedOffsets }: EachBatchPayload): Promise<void> {
    const topic = findTopic(batch.topic)!;
    const deps: Omit<ProcessorDeps, 'handle'> = {
      groupId: this.options.groupId,
      processed: this.options.processed,
      deadLetter: (letter) => this.options.publisher.sendRaw(letter.topic, [{ key: letter.key, value: letter.value, headers: letter.headers }]),
      isRunning: () => isRunning() && !isStale() && this.running,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      heartbeat,
      log: (level, text, fields) => this.log[level === 'info' ? 'log' : level](fields ? `${text} ${JSON.stringify(fields)}` : text),
      onOutcome: this.options.onOutcome,
    };
    const batchHandler = this.getHandlerByPattern(`${topic.name}${BATCH_SUFFIX}`);
    if (batchHandler) {
      const handlerOptions = (batchHandler.extras ?? {}) as BatchHandlerOptions;
      if (handlerOptions.ownIdempotency) deps.processed = OWN_IDEMPOTENCY;
      const size = handlerOptions.maxBatchSize ?? this.options.maxBatchSize ?? 500;
      for (let start = 0; start < batch.messages.length; start += size) {
        if (!deps.isRunning()) break;
        const run = batch.messages.slice(start, start + size);
        const handleBatch = (t: TopicDefinition, envelopes: Envelope[]) => this.dispatch<BatchResult | void>(`${t.name}${BATCH_SUFFIX}`, envelopes, batch.partition, run[0]!.offset);
        if ((await processBatch(topic, batch.partition, run, { ...deps, handleBatch, actsOn: handlerOptions.types })) === 'interrupted') break;
        resolveOffset(run[run.length - 1]!.offset);
        await heartbeat();
        await commitOffsetsIfNecessary();
      }
    } else {
      for (const message of batch.messages) {
        if (!deps.isRunning()) break;
        const handle = (t: TopicDefinition, envelope: Envelope) => this.dispatch<void>(t.name, envelope, batch.partition, message.offset);
        if ((await processMessage(topic, batch.partition, message, { ...deps, handle })) === 'interrupted') break;
        resolveOffset(message.offset);
        await heartbeat();
      }
    }
    // Stopping: commit what was resolved now rather than at the next auto-commit interval.
    await commitOffsetsIfNecessary(this.running ? undefined : uncommittedOffsets());
  }

  private async dispatch<T>(pattern: string, payload: Envelope | Envelope[], partition: number, offset: string): Promise<T | undefined> {
    const handler = this.getHandlerByPattern(pattern);
    if (!handler) return undefined;
    const topicName = pattern.endsWith(BATCH_SUFFIX) ? pattern.slice(0, -BATCH_SUFFIX.length) : pattern;
    const result = await handler(payload, new KafkaEventContext(topicName, partition, offset));
    // Exceptions inside Nest's handler pipeline arrive as an erroring stream.
    return (await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined })) as T | undefined;
  }

  private tracked(batch: Promise<void>): Promise<void> {
    this.inFlight.add(batch);
    batch.then(
      () => this.inFlight.delete(batch),
      () => this.inFlight.delete(batch),
    );
    return batch;
  }

  /** Stops fetching, lets the in-flight message finish, commits resolved offsets, leaves the group. */
  async close(): Promise<void> {
    this.closing = true;
    this.running = false;
    clearInterval(this.watchdog);
    this.outOfGroupSince = undefined;
    // Every batch in hand finishes its current call and commits it while the consumer is still
    // connected. kafkajs's disconnect alone may return while another partition's batch is still
    // running (partitions consumed at once), and the store would be closed under it. Batches
    // handed over from now on see `running` false and do nothing.
    await Promise.allSettled([...this.inFlight]);
    await this.recreating;
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  on(): never {
    throw new Error('KafkaEventServer does not emit events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}
