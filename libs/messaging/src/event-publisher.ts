import { randomUUID } from 'node:crypto';
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { describeIssues, type Envelope, type EventData, type TopicDefinition } from '@feedback/contracts';

export interface PublishOptions {
  /** Defaults to a new uuid; pass a stable id to make a re-publish recognisable as the same event. */
  id?: string;
  correlationId?: string;
  occurredAt?: Date;
}

/** Thrown before anything is sent when a payload breaks its topic's schema: a bug, never a retry. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/**
 * Publishes events in the platform envelope. Validates every payload against
 * its topic's schema before sending, keys the message by the topic's aggregate
 * id, and waits for all in-sync replicas (acks -1).
 */
export class EventPublisher {
  private readonly producer: Producer;
  private connected?: Promise<void>;

  constructor(
    kafka: Kafka,
    private readonly source: string,
  ) {
    // One request in flight keeps per-key order through retries. Not the idempotent
    // producer: it needs unbounded retries, and a send must fail (not hang) while
    // the broker is down. Duplicates are harmless: consumers are idempotent on the event id.
    this.producer = kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  }

  connect(): Promise<void> {
    this.connected ??= this.producer.connect();
    return this.connected;
  }

  async disconnect(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = undefined;
  }

  /** Builds and validates the envelope without sending it (e.g. to store it in an outbox first). */
  build<TTopic extends TopicDefinition, TType extends keyof TTopic['events'] & string>(
    topic: TTopic,
    type: TType,
    data: EventData<TTopic['events'][TType]>,
    options: PublishOptions = {},
  ): Envelope<TType, EventData<TTopic['events'][TType]>> {
    const definition = topic.events[type];
    if (!definition) throw new InvalidEventError(`${topic.name} has no event type ${type}`);
    const parsed = definition.schema.safeParse(data);
    if (!parsed.success) throw new InvalidEventError(`refusing to publish an invalid ${type}: ${describeIssues(parsed.error)}`);
    return {
      id: options.id ?? randomUUID(),
      type,
      version: definition.version,
      occurredAt: (options.occurredAt ?? new Date()).toISOString(),
      source: this.source,
      correlationId: options.correlationId ?? randomUUID(),
      data: parsed.data as EventData<TTopic['events'][TType]>,
    };
  }

  async publish<TTopic extends TopicDefinition, TType extends keyof TTopic['events'] & string>(
    topic: TTopic,
    type: TType,
    data: EventData<TTopic['events'][TType]>,
    options: PublishOptions = {},
  ): Promise<Envelope> {
    const envelope = this.build(topic, type, data, options);
    await this.sendEnvelopes(topic, [envelope]);
    return envelope;
  }

  /** Sends already-built envelopes in one request, in order (per key order is kept by Kafka). */
  async sendEnvelopes(topic: TopicDefinition, envelopes: Envelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    await this.connect();
    const messages: Message[] = envelopes.map((envelope) => ({
      key: keyOf(topic, envelope),
      value: JSON.stringify(envelope),
      headers: { 'event-type': envelope.type, 'correlation-id': envelope.correlationId },
    }));
    await this.producer.send({ topic: topic.name, acks: -1, messages });
  }

  /** Raw send for the dead-letter path: bytes are forwarded unchanged. */
  async sendRaw(topic: string, messages: Message[]): Promise<void> {
    await this.connect();
    await this.producer.send({ topic, acks: -1, messages });
  }
}

function keyOf(topic: TopicDefinition, envelope: Envelope): string {
  const key = (envelope.data as Record<string, unknown>)[topic.keyField];
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidEventError(`${envelope.type} has no ${topic.keyField} to key ${topic.name} by`);
  }
  return key;
}
