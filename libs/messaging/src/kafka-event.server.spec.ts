import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
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
  async run() {
    this.running = true;
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
