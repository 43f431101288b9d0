import type { KafkaMessage } from 'kafkajs';
import { decodeEvent, type Envelope, type TopicDefinition } from '@feedback/contracts';
import { backoffMs, classifyFailure, PermanentEventError } from './failures';
import { failureReason, processMessage, retrying, sendToDeadLetter, type ProcessorDeps } from './message-processor';

/** What a batch handler says about the events it was given: the ones it refuses for good. */
export interface BatchResult {
  /** Events that can never succeed (as a PermanentEventError would say): dead-lettered, not retried. */
  rejected?: { eventId: string; error: Error }[];
  /**
   * Set by a handler that has taken from the events what it stores (see
   * `storedLater`): the batch is stored when this settles, and its outcome is
   * the batch's. Until then neither the handler's call nor the transport holds
   * the decoded events: a write-behind consumer keeps thousands of events in
   * hand, and their envelopes were most of its memory.
   */
  stored?: Promise<BatchResult | void>;
}

/**
 * A handler's answer once it has turned the events into what it stores: the
 * batch is done when `storing` settles. Nothing that `storing` holds should
 * refer to the events themselves.
 */
export function storedLater(storing: Promise<BatchResult | void>): BatchResult {
  // Marked handled now: the transport awaits it only once the handler's call has returned.
  storing.catch(() => undefined);
  return { stored: storing };
}

/** Calls the service's batch handler; resolves when the effects of every event not rejected are stored. */
export type BatchHandle = (topic: TopicDefinition, envelopes: Envelope[]) => Promise<BatchResult | void>;

export interface BatchProcessorDeps extends Omit<ProcessorDeps, 'handle'> {
  handleBatch: BatchHandle;
  /**
   * The event types the handler acts on (default: all). Other valid events of
   * the topic are skipped like unknown types: handling them would change
   * nothing, so they need no processed mark and no handler call.
   */
  actsOn?: readonly string[];
}

export type BatchOutcome = 'done' | 'interrupted';

interface Candidate {
  message: KafkaMessage;
  envelope: Envelope;
}

/** An event handed to the handler, as the batch keeps it meanwhile: its message (to dead-letter it) and its id. */
interface Fresh {
  message: KafkaMessage;
  id: string;
}

/**
 * The handler's call on a batch's events, settled when what it does is stored
 * (its `stored`, if it answers with one). Not an async function: its frame
 * would hold the events until then.
 */
function handled(deps: BatchProcessorDeps, topic: TopicDefinition, envelopes: Envelope[]): Promise<BatchResult | void> {
  return deps.handleBatch(topic, envelopes).then((result) => result?.stored ?? result);
}

/** A batch's events decoded again from their messages (they were valid when first read). */
function decodedAgain(topic: TopicDefinition, fresh: readonly Fresh[]): Envelope[] {
  return fresh.map(({ message }) => {
    const decoded = decodeEvent(topic, message.value);
    if (decoded.outcome !== 'event') throw new Error(`the event at offset ${message.offset} no longer decodes`);
    return decoded.envelope;
  });
}

/**
 * The life of a run of consecutive messages of one partition, for hot topics
 * whose handler works on many events at once (bulk writes, one round trip for
 * many events). The guarantees are those of `processMessage`, per event:
 * invalid messages are dead-lettered, unknown types skipped, events already
 * processed (or repeated inside the run) skipped, transient failures retried
 * without limit. When the handler fails on the batch for any other reason, the
 * run falls back to one event at a time, so one bad event is dead-lettered
 * alone and the others are stored.
 *
 * `done`: every message is accounted for, the offsets may be committed.
 * `interrupted`: the consumer is stopping; nothing of the run may be committed.
 */
export async function processBatch(topic: TopicDefinition, partition: number, messages: readonly KafkaMessage[], deps: BatchProcessorDeps): Promise<BatchOutcome> {
  const where = { topic: topic.name, partition, offset: messages[0]?.offset };
  const candidates: Candidate[] = [];
  for (const message of messages) {
    const decoded = decodeEvent(topic, message.value);
    if (decoded.outcome === 'invalid') {
      await sendToDeadLetter(topic, partition, message, decoded.reason, deps);
      deps.onOutcome?.('dead-lettered', topic.name);
    } else if (decoded.outcome === 'unknown-type') {
      deps.log('info', `skipping unknown event type ${decoded.envelope.type}`, { ...where, offset: message.offset });
      deps.onOutcome?.('skipped', topic.name);
    } else if (deps.actsOn && !deps.actsOn.includes(decoded.envelope.type)) deps.onOutcome?.('skipped', topic.name);
    else candidates.push({ message, envelope: decoded.envelope });
  }
  if (candidates.length === 0) return 'done';

  const processed = await retrying(() => deps.processed.whichProcessed(candidates.map((c) => c.envelope.id)), deps, where);
  const seen = new Set<string>();
  const fresh: Fresh[] = [];
  // The decoded events, for the handler's first call only: once it has them, this batch lets go of them.
  // `candidates` is emptied as it is read, or this frame would hold every envelope until the batch is stored.
  let envelopes: Envelope[] | undefined = [];
  for (const { message, envelope } of candidates.splice(0)) {
    const duplicate = processed.has(envelope.id) || seen.has(envelope.id);
    seen.add(envelope.id);
    if (duplicate) deps.onOutcome?.('duplicate', topic.name);
    else {
      fresh.push({ message, id: envelope.id });
      envelopes.push(envelope);
    }
  }
  if (fresh.length === 0) return 'done';

  let result: BatchResult | void;
  for (let attempt = 0; ; attempt++) {
    if (!deps.isRunning()) return 'interrupted';
    try {
      const call = handled(deps, topic, envelopes ?? decodedAgain(topic, fresh));
      envelopes = undefined;
      result = await call;
      break;
    } catch (error) {
      if (classifyFailure(error) !== 'transient') {
        deps.log('warn', `batch handler failed, processing the ${fresh.length} events one by one`, { ...where, reason: failureReason(error) });
        return oneByOne(topic, partition, fresh, deps);
      }
      deps.log('warn', 'batch handler failed (transient), retrying', { ...where, attempt: attempt + 1, reason: failureReason(error) });
      await deps.heartbeat?.().catch(() => undefined);
      await deps.sleep(backoffMs(attempt));
    }
  }

  const rejected = new Map((result?.rejected ?? []).map((r) => [r.eventId, r.error]));
  for (const { message, id } of fresh) {
    const error = rejected.get(id);
    if (!error) continue;
    await sendToDeadLetter(topic, partition, message, `handler failed (permanent, attempt 1): ${failureReason(error)}`, deps);
    deps.onOutcome?.('dead-lettered', topic.name);
  }
  const handledIds = fresh.filter((f) => !rejected.has(f.id)).map((f) => f.id);
  await retrying(() => deps.processed.markManyProcessed(handledIds, topic.name), deps, where);
  for (let i = 0; i < handledIds.length; i++) deps.onOutcome?.('handled', topic.name);
  return 'done';
}

/** The slow, precise path: each event alone through `processMessage`, with its retry limit and dead-lettering. */
async function oneByOne(topic: TopicDefinition, partition: number, fresh: Fresh[], deps: BatchProcessorDeps): Promise<BatchOutcome> {
  const single: ProcessorDeps = {
    ...deps,
    handle: async (t, envelope) => {
      const refusal = (await handled(deps, t, [envelope]))?.rejected?.[0];
      if (refusal) throw refusal.error instanceof PermanentEventError ? refusal.error : new PermanentEventError(refusal.error.message);
    },
  };
  for (const { message } of fresh) {
    if ((await processMessage(topic, partition, message, single)) === 'interrupted') return 'interrupted';
  }
  return 'done';
}
