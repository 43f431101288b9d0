import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, EventPattern, Server } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { findTopic, type Envelope, type TopicDefinition } from '@feedback/contracts';
import type { EventPublisher } from './event-publisher';
import { OwnIdempotency, type ProcessedEvents } from './idempotency';
import { processBatch, type BatchOutcome, type BatchResult } from './batch-processor';
import { processMessage, type ProcessOutcome, type ProcessorDeps } from './message-processor';
import { backoffMs } from './failures';
import { OffsetLedger, type LedgerEntry } from './offset-ledger';

export interface KafkaEventServerOptions {
  kafka: Kafka;
  groupId: string;
  publisher: EventPublisher;
  processed: ProcessedEvents;
  /** Called for every consumed message (metrics). */
  onOutcome?: (outcome: ProcessOutcome, topic: string) => void;
  /** Called whenever the number of events handed to `writeBehind` handlers and not yet stored changes (metrics). */
  onEventsBeingStored?: (events: number) => void;
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
  /** How often a consumer with a `writeBehind` handler commits what is stored (default 1 s, kafkajs's auto-commit interval otherwise). */
  storedCommitIntervalMs?: number;
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
const STORED_COMMIT_INTERVAL_MS = 1000;
/**
 * The last commit of a closing write-behind consumer. kafkajs retries a commit
 * as long as the consumer runs (our retry settings: without end), so with the
 * broker gone it would keep the process from exiting; what is not committed is
 * redelivered, which the handler absorbs.
 */
const CLOSING_COMMIT_TIMEOUT_MS = 10_000;

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
  /**
   * Storing a batch takes longer than reading the next one, the handler's
   * effects do not depend on the order of its events (counts), and it is
   * idempotent on its own (`ownIdempotency`, required). The consumer then goes
   * on reading and handing over the next batches while earlier ones are still
   * being stored, up to `maxPendingEvents` handed over and not yet stored (the
   * memory they hold). Reading no longer waits on each write, and a handler
   * that groups what arrives meanwhile (analytics' lanes) writes more events at
   * once. Offsets are no longer committed as read: a partition's committed
   * offset moves only past batches that are all stored (OffsetLedger), so a
   * crash redelivers whatever was not, and a batch that could not be stored
   * makes the consumer start over from the committed offsets.
   */
  writeBehind?: { maxPendingEvents: number };
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
  /**
   * Set when a handler stores behind reading (`writeBehind`): what may be
   * committed. Auto-commit is then off for the whole consumer, and every
   * handler's runs go through the ledger. A new one per group generation (a
   * rebalance restarts reading from the committed offsets).
   */
  private ledger?: OffsetLedger;
  /** Batches handed over behind reading and not yet stored, with their sizes. */
  private readonly storing = new Map<Promise<void>, number>();
  private storingEvents = 0;
  private committing: Promise<void> = Promise.resolve();
  private commitTimer?: NodeJS.Timeout;
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
    const writeBehind = patterns.filter((pattern) => {
      const options = (this.getHandlerByPattern(pattern)?.extras ?? {}) as BatchHandlerOptions;
      if (options.writeBehind && !options.ownIdempotency) throw new Error(`${pattern}: writeBehind needs ownIdempotency (two batches of a partition may be stored at once)`);
      return options.writeBehind !== undefined;
    });
    callback();
    if (topics.length === 0) return;
    this.topics = topics;
    if (writeBehind.length > 0) {
      this.ledger = new OffsetLedger();
      this.commitTimer = setInterval(() => void this.commitStored(), this.options.storedCommitIntervalMs ?? STORED_COMMIT_INTERVAL_MS);
      this.commitTimer.unref();
    }
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
      await Promise.allSettled([...this.inFlight, ...this.storing.keys()]);
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
      if (!this.isCurrent(consumer)) return;
      this.outOfGroupSince = undefined;
      // Reading starts over from the committed offsets: batches of the previous generation still being
      // stored settle in the old ledger, and whatever of them was not committed is read again.
      if (this.ledger) this.ledger = new OffsetLedger();
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
      // With a ledger, kafkajs must commit nothing itself: what it would commit is what was read.
      autoCommit: !this.ledger,
      autoCommitInterval: this.ledger ? undefined : 1000,
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
    const partition = batch.partition;
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
    // Captured: after a rebalance this batch's runs belong to the generation that read them.
    const ledger = this.ledger;
    /** The run up to `lastOffset` is stored: with a ledger, it may be committed once every earlier run is. */
    const stored = (lastOffset: string) => ledger?.settle(ledger.add(topic.name, partition, lastOffset), true);
    const batchHandler = this.getHandlerByPattern(`${topic.name}${BATCH_SUFFIX}`);
    if (batchHandler) {
      const handlerOptions = (batchHandler.extras ?? {}) as BatchHandlerOptions;
      if (handlerOptions.ownIdempotency) deps.processed = OWN_IDEMPOTENCY;
      const size = handlerOptions.maxBatchSize ?? this.options.maxBatchSize ?? 500;
      for (let start = 0; start < batch.messages.length; start += size) {
        if (!deps.isRunning()) break;
        const run = batch.messages.slice(start, start + size);
        const lastOffset = run[run.length - 1]!.offset;
        if (handlerOptions.writeBehind && ledger) {
          if (!(await this.makeRoom(run.length, handlerOptions.writeBehind.maxPendingEvents, deps))) break;
          const work = this.processRun(topic, partition, run, deps, handlerOptions);
          this.storeBehind(work, ledger.add(topic.name, partition, lastOffset), ledger, run.length, deps.isRunning);
        } else {
          if ((await this.processRun(topic, partition, run, deps, handlerOptions)) === 'interrupted') break;
          stored(lastOffset);
        }
        // Read on from here, whether the run is stored yet or (write-behind) still being stored.
        resolveOffset(lastOffset);
        await heartbeat();
        if (!ledger) await commitOffsetsIfNecessary();
      }
    } else {
      for (const message of batch.messages) {
        if (!deps.isRunning()) break;
        const handle = (t: TopicDefinition, envelope: Envelope) => this.dispatch<void>(t.name, envelope, partition, message.offset);
        if ((await processMessage(topic, partition, message, { ...deps, handle })) === 'interrupted') break;
        stored(message.offset);
        resolveOffset(message.offset);
        await heartbeat();
      }
    }
    // Stopping: commit what was resolved now rather than at the next auto-commit interval (with a
    // ledger, close() commits what is stored once every batch still being stored is done).
    if (!ledger) await commitOffsetsIfNecessary(this.running ? undefined : uncommittedOffsets());
  }

  /** A run of a partition through its batch handler, awaited or stored behind reading. */
  private processRun(topic: TopicDefinition, partition: number, run: KafkaMessage[], deps: Omit<ProcessorDeps, 'handle'>, options: BatchHandlerOptions): Promise<BatchOutcome> {
    const firstOffset = run[0]!.offset;
    const handleBatch = (t: TopicDefinition, envelopes: Envelope[]) => this.dispatch<BatchResult | void>(`${t.name}${BATCH_SUFFIX}`, envelopes, partition, firstOffset);
    return processBatch(topic, partition, run, { ...deps, handleBatch, actsOn: options.types });
  }

  /** Waits until `size` more events fit under the cap of events being stored; false if the consumer stops meanwhile. */
  private async makeRoom(size: number, maxPendingEvents: number, deps: Pick<ProcessorDeps, 'isRunning' | 'heartbeat'>): Promise<boolean> {
    while (this.storingEvents > 0 && this.storingEvents + size > maxPendingEvents && deps.isRunning()) {
      await Promise.race(this.storing.keys());
      await deps.heartbeat?.();
    }
    return deps.isRunning();
  }

  /**
   * Lets a run be stored while reading goes on. Its outcome settles its ledger
   * entry: `interrupted` (the consumer stopping) leaves it uncommitted. A run
   * that failed outright (only an infrastructure call given up on, as the
   * consumer stops) while the consumer still runs would leave its partition
   * stuck behind it: the consumer starts over from the committed offsets.
   */
  private storeBehind(work: Promise<'done' | 'interrupted'>, entry: LedgerEntry, ledger: OffsetLedger, size: number, isRunning: () => boolean): void {
    this.storingEvents += size;
    this.options.onEventsBeingStored?.(this.storingEvents);
    const settled = work
      .then(
        (outcome) => ledger.settle(entry, outcome === 'done'),
        (error: unknown) => {
          ledger.settle(entry, false);
          const reason = `a batch of ${entry.topic}[${entry.partition}] up to offset ${entry.lastOffset} was not stored: ${(error as Error).message}`;
          if (isRunning() && ledger === this.ledger && !this.closing) void this.recreate(reason);
          else this.log.warn(reason);
        },
      )
      .finally(() => {
        this.storing.delete(settled);
        this.storingEvents -= size;
        this.options.onEventsBeingStored?.(this.storingEvents);
      });
    this.storing.set(settled, size);
  }

  /** Commits the ledger's stored positions (write-behind consumers: on an interval, and on close). */
  private commitStored(): Promise<void> {
    this.committing = this.committing.then(async () => {
      const consumer = this.consumer;
      const ledger = this.ledger;
      const commits = ledger?.committable() ?? [];
      if (!consumer || commits.length === 0) return;
      try {
        await consumer.commitOffsets(commits);
        ledger!.committed(commits);
      } catch (error) {
        this.log.warn(`committing stored offsets failed, trying again at the next turn: ${(error as Error).message}`);
      }
    });
    return this.committing;
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
    // Batches stored behind reading finish their write (or give up retrying), then what is stored is committed.
    await Promise.allSettled([...this.storing.keys()]);
    await this.recreating;
    clearInterval(this.commitTimer);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([this.commitStored(), new Promise((resolve) => (timeout = setTimeout(resolve, CLOSING_COMMIT_TIMEOUT_MS)))]);
    clearTimeout(timeout);
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
