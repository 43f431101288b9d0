import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ConsumerRunConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Envelope } from '@feedback/contracts';
import type { EventPublisher } from './event-publisher';
import type { ProcessedEvents } from './idempotency';
import { KafkaEventServer } from './kafka-event.server';

const EVENTS = { GROUP_JOIN: 'consumer.group_join', DISCONNECT: 'consumer.disconnect', CRASH: 'consumer.crash' } as const;

/** Stands in for a kafkajs consumer: records its calls; the test emits its instrumentation events. */
class ScriptedConsumer {
  readonly events = EVENTS;
  readonly emitter = new EventEmitter();
  running = false;
  disconnects = 0;
  config?: ConsumerRunConfig;
  readonly commits: { topic: string; partition: number; offset: string }[] = [];
  on(event: string, listener: (event: { payload: unknown }) => void) {
    this.emitter.on(event, listener);
  }
  emit(event: string, payload: unknown = {}) {
    this.emitter.emit(event, { payload });
  }
  crash(restart: boolean) {
    this.emit(EVENTS.CRASH, { error: Object.assign(new Error('The coordinator is not aware of this member'), { name: 'KafkaJSProtocolError' }), restart });
  }
  async connect() {}
  async subscribe() {}
  async run(config: ConsumerRunConfig) {
    this.config = config;
    this.running = true;
  }
  async commitOffsets(commits: { topic: string; partition: number; offset: string }[]) {
    this.commits.push(...commits);
  }
  async disconnect() {
    this.disconnects++;
    this.running = false;
  }
}

function serverOn(recreateAfterMs: number) {
  const consumers: ScriptedConsumer[] = [];
  const kafka = { consumer: () => (consumers.push(new ScriptedConsumer()), consumers.at(-1)) } as unknown as Kafka;
  const publisher = { connect: async () => undefined } as unknown as EventPublisher;
  const server = new KafkaEventServer({ kafka, groupId: 'spec', publisher, processed: {} as ProcessedEvents, recreateAfterMs });
  server.addHandler('feedback.requests.v1', async () => undefined, true);
  server.listen(() => undefined);
  return { server, consumers };
}

async function until(what: string, condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KafkaEventServer keeps a consumer in its group', () => {
  const servers: KafkaEventServer[] = [];
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));
  afterEach(async () => Promise.all(servers.splice(0).map((server) => server.close())));
  function started(recreateAfterMs = 60_000) {
    const started = serverOn(recreateAfterMs);
    servers.push(started.server);
    return started;
  }

  it('reports healthy once the consumer joins its group, and not after a crash', async () => {
    const { server, consumers } = started();
    await until('the consumer runs', () => consumers[0]?.running === true);
    expect(server.isConnected()).toBe(false);
    consumers[0]!.emit(EVENTS.GROUP_JOIN);
    expect(server.isConnected()).toBe(true);
    consumers[0]!.crash(true);
    expect(server.isConnected()).toBe(false);
  });

  it('replaces a consumer kafkajs gave up on (a crash it will not restart)', async () => {
    const { server, consumers } = started();
    await until('the consumer runs', () => consumers[0]?.running === true);
    consumers[0]!.emit(EVENTS.GROUP_JOIN);
    consumers[0]!.crash(false);
    await until('a second consumer runs', () => consumers[1]?.running === true);
    expect(consumers[0]!.disconnects).toBeGreaterThan(0);
    consumers[1]!.emit(EVENTS.GROUP_JOIN);
    expect(server.isConnected()).toBe(true);
    // The replaced consumer's events no longer speak for the service.
    consumers[0]!.emit(EVENTS.DISCONNECT);
    expect(server.isConnected()).toBe(true);
  });

  it('leaves a crash kafkajs restarts itself to kafkajs', async () => {
    const { consumers } = started();
    await until('the consumer runs', () => consumers[0]?.running === true);
    consumers[0]!.emit(EVENTS.GROUP_JOIN);
    consumers[0]!.crash(true);
    await pause(50);
    expect(consumers).toHaveLength(1);
  });

  it('replaces a consumer that stays out of its group too long, and keeps one that is in it', async () => {
    const { server, consumers } = started(200);
    await until('the consumer runs', () => consumers[0]?.running === true);
    consumers[0]!.emit(EVENTS.GROUP_JOIN);
    await pause(500);
    expect(consumers).toHaveLength(1);
    consumers[0]!.emit(EVENTS.DISCONNECT);
    await until('a second consumer runs', () => consumers[1]?.running === true);
    consumers[1]!.emit(EVENTS.GROUP_JOIN);
    expect(server.isConnected()).toBe(true);
  });

  it('stops a replaced consumer that kafkajs is about to restart', async () => {
    const { consumers } = started();
    await until('the consumer runs', () => consumers[0]?.running === true);
    consumers[0]!.crash(false);
    await until('a second consumer runs', () => consumers[1]?.running === true);
    const before = consumers[0]!.disconnects;
    consumers[0]!.crash(true);
    await until('the replaced consumer is stopped again', () => consumers[0]!.disconnects > before);
  });

  it('replaces nothing once closing', async () => {
    const { server, consumers } = started(100);
    await until('the consumer runs', () => consumers[0]?.running === true);
    await server.close();
    consumers[0]!.crash(false);
    await pause(300);
    expect(consumers).toHaveLength(1);
    expect(server.isConnected()).toBe(false);
  });
});

const USERS = 'upstream.users.v1';

function userMessage(offset: number): KafkaMessage {
  const event = {
    id: randomUUID(),
    type: 'UserProfileUpdated',
    version: 1,
    occurredAt: '2026-11-21T10:00:00.000Z',
    source: 'users',
    correlationId: randomUUID(),
    data: { userId: `u${offset}`, email: 'ann@example.com', preferredLanguage: 'en', displayName: 'Ann' },
  };
  return { key: Buffer.from(`u${offset}`), value: Buffer.from(JSON.stringify(event)), offset: String(offset), timestamp: '0', attributes: 0, headers: {} } as KafkaMessage;
}

/** A handler call the test finishes (stored) or fails when it chooses. */
interface HeldCall {
  events: Envelope[];
  store(): void;
  fail(error: Error): void;
}

/** A server whose only handler stores behind reading, with handler calls the test settles by hand. */
function writeBehindServer(maxPendingEvents: number) {
  const consumers: ScriptedConsumer[] = [];
  const kafka = { consumer: () => (consumers.push(new ScriptedConsumer()), consumers.at(-1)) } as unknown as Kafka;
  const publisher = { connect: async () => undefined } as unknown as EventPublisher;
  const beingStored: number[] = [];
  const server = new KafkaEventServer({ kafka, groupId: 'spec', publisher, processed: {} as ProcessedEvents, storedCommitIntervalMs: 10, onEventsBeingStored: (events) => void beingStored.push(events) });
  const calls: HeldCall[] = [];
  const handler = (events: Envelope[]) => new Promise<void>((resolve, reject) => void calls.push({ events, store: resolve, fail: reject }));
  server.addHandler(`${USERS}#batch`, handler, true, { ownIdempotency: true, writeBehind: { maxPendingEvents } });
  server.listen(() => undefined);
  /** Hands the current consumer a batch of one partition, as kafkajs would; `resolved` is what it told kafkajs it read. */
  const deliver = (partition: number, offsets: number[]) => {
    const consumer = consumers.at(-1)!;
    const resolved: string[] = [];
    const payload = {
      batch: { topic: USERS, partition, messages: offsets.map(userMessage) },
      resolveOffset: (offset: string) => void resolved.push(offset),
      heartbeat: async () => undefined,
      isRunning: () => consumer.running,
      isStale: () => false,
      commitOffsetsIfNecessary: async () => {
        throw new Error('kafkajs must commit nothing itself for a write-behind consumer');
      },
      uncommittedOffsets: () => ({ topics: [] }),
    } as unknown as EachBatchPayload;
    return { resolved, done: consumer.config!.eachBatch!(payload) };
  };
  return { server, consumers, calls, deliver, beingStored };
}

describe('KafkaEventServer with a write-behind handler (batches stored while the next are read)', () => {
  const servers: KafkaEventServer[] = [];
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));
  const held: HeldCall[][] = [];
  // Closing waits for every handler call in progress: the ones a test left held are stored first.
  afterEach(async () => {
    for (const call of held.splice(0).flat()) call.store();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  async function started(maxPendingEvents = 100) {
    const started = writeBehindServer(maxPendingEvents);
    servers.push(started.server);
    held.push(started.calls);
    await until('the consumer runs', () => started.consumers[0]?.running === true);
    started.consumers[0]!.emit(EVENTS.GROUP_JOIN);
    return started;
  }

  it('turns kafkajs auto-commit off, and needs a handler idempotent on its own', async () => {
    const { consumers } = await started();
    expect(consumers[0]!.config).toMatchObject({ autoCommit: false, autoCommitInterval: undefined });
    const server = new KafkaEventServer({ kafka: {} as Kafka, groupId: 'spec', publisher: {} as EventPublisher, processed: {} as ProcessedEvents });
    server.addHandler(`${USERS}#batch`, async () => undefined, true, { writeBehind: { maxPendingEvents: 10 } });
    expect(() => server.listen(() => undefined)).toThrow(/writeBehind needs ownIdempotency/);
  });

  it('reads on while a batch is stored, and commits a partition only past batches that are all stored', async () => {
    const { consumers, calls, deliver } = await started();
    const first = deliver(0, [0, 1]);
    await first.done;
    expect(first.resolved).toEqual(['1']);
    const second = deliver(0, [2, 3]);
    await second.done;
    expect(second.resolved).toEqual(['3']);
    expect(calls).toHaveLength(2);

    calls[1]!.store();
    await pause(60);
    expect(consumers[0]!.commits).toEqual([]);
    calls[0]!.store();
    await until('the partition is committed', () => consumers[0]!.commits.length > 0);
    expect(consumers[0]!.commits).toEqual([{ topic: USERS, partition: 0, offset: '4' }]);
  });

  it('waits for room once maxPendingEvents are being stored, and reports the events being stored', async () => {
    const { calls, deliver, beingStored } = await started(4);
    await deliver(0, [0, 1]).done;
    await deliver(1, [0, 1]).done;
    let third = false;
    const waiting = deliver(0, [2, 3]).done.then(() => (third = true));
    await pause(60);
    expect(third).toBe(false);
    expect(calls).toHaveLength(2);
    calls[1]!.store();
    await waiting;
    expect(calls).toHaveLength(3);
    expect(beingStored).toEqual([2, 4, 2, 4]);
  });

  it('on close, waits for the batches being stored and commits them before leaving the group', async () => {
    const { server, consumers, calls, deliver } = await started();
    await deliver(2, [10, 11, 12]).done;
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await pause(60);
    expect(closed).toBe(false);
    expect(consumers[0]!.disconnects).toBe(0);
    calls[0]!.store();
    await closing;
    expect(consumers[0]!.commits).toEqual([{ topic: USERS, partition: 2, offset: '13' }]);
    expect(consumers[0]!.disconnects).toBe(1);
  });

  it('after a rebalance, commits nothing for batches read by the previous generation', async () => {
    const { consumers, calls, deliver } = await started();
    await deliver(0, [0, 1]).done;
    consumers[0]!.emit(EVENTS.GROUP_JOIN);
    // Read again from the committed offset by the new generation, and stored there first.
    await deliver(0, [0, 1]).done;
    calls[1]!.store();
    await until('the new generation commits', () => consumers[0]!.commits.length > 0);
    calls[0]!.store();
    await deliver(0, [2]).done;
    calls[2]!.store();
    await until('the next batch is committed', () => consumers[0]!.commits.length > 1);
    expect(consumers[0]!.commits).toEqual([
      { topic: USERS, partition: 0, offset: '2' },
      { topic: USERS, partition: 0, offset: '3' },
    ]);
  });
});
