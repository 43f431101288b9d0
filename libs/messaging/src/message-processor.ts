import type { IHeaders, KafkaMessage } from 'kafkajs';
import { decodeEvent, deadLetterTopic, type Envelope, type TopicDefinition } from '@feedback/contracts';
import { backoffMs, classifyFailure } from './failures';
import type { ProcessedEvents } from './idempotency';

export interface DeadLetter {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

export interface ProcessorDeps {
  groupId: string;
  processed: ProcessedEvents;
  /** Calls the service's handler for the topic; resolves when its effects are stored. */
  handle: (topic: TopicDefinition, envelope: Envelope) => Promise<void>;
  deadLetter: (letter: DeadLetter) => Promise<void>;
  /** False once the consumer is stopping: a retry loop gives up and leaves the offset uncommitted. */
  isRunning: () => boolean;
  sleep: (ms: number) => Promise<void>;
  /** Keeps the consumer in its group while a message is retried for a long time. */
  heartbeat?: () => Promise<void>;
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  /** Attempts for an unexpected handler error before the message is dead-lettered. */
  maxUnexpectedAttempts?: number;
  onOutcome?: (outcome: ProcessOutcome, topic: string) => void;
}

export type ProcessOutcome = 'handled' | 'duplicate' | 'skipped' | 'dead-lettered' | 'interrupted';

/**
 * The life of one consumed message: decode, skip unknown types and duplicates,
 * run the handler (retrying transient failures without limit), dead-letter what
 * cannot be processed. Resolves once the offset may be committed, except for
 * `interrupted` (shutdown mid-retry): then it must not be committed.
 */
export async function processMessage(topic: TopicDefinition, partition: number, message: KafkaMessage, deps: ProcessorDeps): Promise<ProcessOutcome> {
  const outcome = await process(topic, partition, message, deps);
  deps.onOutcome?.(outcome, topic.name);
  return outcome;
}

async function process(topic: TopicDefinition, partition: number, message: KafkaMessage, deps: ProcessorDeps): Promise<ProcessOutcome> {
  const where = { topic: topic.name, partition, offset: message.offset };
  const decoded = decodeEvent(topic, message.value);
  if (decoded.outcome === 'invalid') {
    await sendToDeadLetter(topic, partition, message, decoded.reason, deps);
    return 'dead-lettered';
  }
  if (decoded.outcome === 'unknown-type') {
    deps.log('info', `skipping unknown event type ${decoded.envelope.type}`, where);
    return 'skipped';
  }
  const envelope = decoded.envelope;
  if (await retrying(() => deps.processed.isProcessed(envelope.id), deps, where)) return 'duplicate';

  const maxUnexpected = deps.maxUnexpectedAttempts ?? 5;
  for (let attempt = 0; ; attempt++) {
    if (!deps.isRunning()) return 'interrupted';
    try {
      await deps.handle(topic, envelope);
      break;
    } catch (error) {
      const kind = classifyFailure(error);
      const reason = failureReason(error);
      if (kind === 'permanent' || (kind === 'unexpected' && attempt + 1 >= maxUnexpected)) {
        await sendToDeadLetter(topic, partition, message, `handler failed (${kind}, attempt ${attempt + 1}): ${reason}`, deps);
        return 'dead-lettered';
      }
      deps.log('warn', `handler failed (${kind}), retrying`, { ...where, eventId: envelope.id, attempt: attempt + 1, reason });
      await deps.heartbeat?.().catch(() => undefined);
      await deps.sleep(backoffMs(attempt));
    }
  }
  await retrying(() => deps.processed.markProcessed(envelope.id, topic.name), deps, where);
  return 'handled';
}

/** Sends the message, bytes unchanged, to the topic's DLQ with the contract headers; retried until the broker takes it. */
export async function sendToDeadLetter(topic: TopicDefinition, partition: number, message: KafkaMessage, reason: string, deps: Omit<ProcessorDeps, 'handle'>): Promise<void> {
  deps.log('warn', `dead-lettering message: ${reason}`, { topic: topic.name, partition, offset: message.offset });
  const letter: DeadLetter = {
    topic: deadLetterTopic(topic.name),
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      'dlq-reason': reason,
      'dlq-original-topic': topic.name,
      'dlq-original-partition': String(partition),
      'dlq-original-offset': message.offset,
      'dlq-consumer-group': deps.groupId,
    },
  };
  // Losing the letter would lose the message: retry until the broker takes it.
  await retrying(() => deps.deadLetter(letter), deps, { topic: topic.name, partition, offset: message.offset });
}

/** Retries an infrastructure call until it succeeds or the consumer stops. */
export async function retrying<T>(operation: () => Promise<T>, deps: Omit<ProcessorDeps, 'handle'>, where: Record<string, unknown>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!deps.isRunning()) throw error;
      deps.log('warn', `infrastructure call failed, retrying: ${(error as Error).message}`, { ...where, attempt: attempt + 1 });
      await deps.heartbeat?.().catch(() => undefined);
      await deps.sleep(backoffMs(attempt));
    }
  }
}

/** The readable text of a handler failure, as it goes into `dlq-reason`. */
export function failureReason(error: unknown): string {
  return `${(error as Error).name ?? 'Error'}: ${(error as Error).message}`.slice(0, 1000);
}
