import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { upstreamConversationsTopic, upstreamUsersTopic, type Envelope } from '@feedback/contracts';
import { processBatch, storedLater, type BatchHandle, type BatchProcessorDeps, type BatchResult } from './batch-processor';
import { PermanentEventError, TransientEventError } from './failures';
import { InMemoryProcessedEvents, OwnIdempotency } from './idempotency';
import type { DeadLetter, ProcessOutcome } from './message-processor';

function message(value: unknown, offset: number): KafkaMessage {
  return {
    key: Buffer.from('u1'),
    value: typeof value === 'string' ? Buffer.from(value) : Buffer.from(JSON.stringify(value)),
    offset: String(offset),
    timestamp: '0',
    attributes: 0,
    headers: {},
  } as KafkaMessage;
}

function userEvent(id = randomUUID(), type = 'UserProfileUpdated') {
  return {
    id,
    type,
    version: 1,
    occurredAt: '2026-11-21T10:00:00.000Z',
    source: 'users',
    correlationId: randomUUID(),
    data: { userId: 'u1', email: 'ann@example.com', preferredLanguage: 'en', displayName: 'Ann' },
  };
}

function deps(handleBatch: BatchHandle, running = () => true) {
  const letters: DeadLetter[] = [];
  const outcomes: ProcessOutcome[] = [];
  const processed = new InMemoryProcessedEvents();
  const d: BatchProcessorDeps = {
    groupId: 'notifications',
    processed,
    handleBatch,
    deadLetter: async (letter) => void letters.push(letter),
    isRunning: running,
    sleep: async () => undefined,
    log: () => undefined,
    onOutcome: (outcome) => void outcomes.push(outcome),
  };
  return { d, letters, outcomes, processed };
}

const idsOf = (envelopes: Envelope[]) => envelopes.map((e) => e.id);

describe('processBatch', () => {
  it('hands every valid event to one handler call, in order, and marks them processed', async () => {
    const calls: string[][] = [];
    const { d, processed, outcomes } = deps(async (_t, envelopes) => void calls.push(idsOf(envelopes)));
    const events = [userEvent(), userEvent(), userEvent()];
    expect(await processBatch(upstreamUsersTopic, 0, events.map((e, i) => message(e, i)), d)).toBe('done');
    expect(calls).toEqual([events.map((e) => e.id)]);
    for (const e of events) expect(await processed.isProcessed(e.id)).toBe(true);
    expect(outcomes).toEqual(['handled', 'handled', 'handled']);
  });

  it('leaves out events processed before and repeats inside the run', async () => {
    const calls: string[][] = [];
    const { d, processed, outcomes } = deps(async (_t, envelopes) => void calls.push(idsOf(envelopes)));
    const [old, repeated, fresh] = [userEvent(), userEvent(), userEvent()];
    await processed.markProcessed(old.id);
    await processBatch(upstreamUsersTopic, 0, [message(old, 0), message(repeated, 1), message(repeated, 2), message(fresh, 3)], d);
    expect(calls).toEqual([[repeated.id, fresh.id]]);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(2);
  });

  it('leaves idempotency to a handler that owns it, still dropping repeats inside the run', async () => {
    const calls: string[][] = [];
    const { d } = deps(async (_t, envelopes) => void calls.push(idsOf(envelopes)));
    d.processed = new OwnIdempotency();
    const event = userEvent();
    await processBatch(upstreamUsersTopic, 0, [message(event, 0), message(event, 1)], d);
    await processBatch(upstreamUsersTopic, 0, [message(event, 2)], d);
    // The second run is handed the event again: the handler's own records make that harmless.
    expect(calls).toEqual([[event.id], [event.id]]);
  });

  it('dead-letters invalid messages with the reason, skips unknown types, and goes on with the rest', async () => {
    const calls: string[][] = [];
    const { d, letters, outcomes } = deps(async (_t, envelopes) => void calls.push(idsOf(envelopes)));
    const good = userEvent();
    await processBatch(upstreamUsersTopic, 3, [message('{"not json', 0), message(userEvent(randomUUID(), 'SomethingNew'), 1), message(good, 2)], d);
    expect(calls).toEqual([[good.id]]);
    expect(letters).toHaveLength(1);
    expect(letters[0]!.headers).toMatchObject({ 'dlq-original-offset': '0', 'dlq-original-partition': '3' });
    expect(String(letters[0]!.headers['dlq-reason'])).toMatch(/JSON/i);
    expect(outcomes).toEqual(['dead-lettered', 'skipped', 'handled']);
  });

  it('skips the valid events of types the handler does not act on: no call, no processed mark, invalid ones still dead-lettered', async () => {
    const calls: string[][] = [];
    const { d, letters, outcomes, processed } = deps(async (_t, envelopes) => void calls.push(idsOf(envelopes)));
    const conversation = (type: string, data: Record<string, unknown>) => ({ ...userEvent(randomUUID(), type), data });
    const deleted = conversation('ConversationDeleted', { conversationId: 'c1', userId: 'u1', deletedAt: '2026-11-21T10:00:00.000Z' });
    const interaction = conversation('ConversationInteraction', { conversationId: 'c1', businessId: 'b1', userId: 'u1', representativeIds: [], occurredAt: '2026-11-21T10:00:00.000Z' });
    const brokenInteraction = conversation('ConversationInteraction', { conversationId: 'c2' });
    const messages = [interaction, deleted, brokenInteraction].map((e, i) => message(e, i));
    await processBatch(upstreamConversationsTopic, 0, messages, { ...d, actsOn: ['ConversationDeleted'] });
    expect(calls).toEqual([[deleted.id]]);
    expect(await processed.isProcessed(interaction.id)).toBe(false);
    expect(await processed.isProcessed(deleted.id)).toBe(true);
    expect(letters.map((l) => l.headers['dlq-original-offset'])).toEqual(['2']);
    expect(outcomes).toEqual(['skipped', 'dead-lettered', 'handled']);
  });

  it('dead-letters the events the handler rejects and keeps them unprocessed', async () => {
    const [bad, good] = [userEvent(), userEvent()];
    const { d, letters, processed } = deps(async () => ({ rejected: [{ eventId: bad.id, error: new PermanentEventError('contradicts the stored answer') }] }));
    await processBatch(upstreamUsersTopic, 0, [message(bad, 0), message(good, 1)], d);
    expect(letters).toHaveLength(1);
    expect(letters[0]!.value!.toString()).toContain(bad.id);
    expect(String(letters[0]!.headers['dlq-reason'])).toContain('contradicts the stored answer');
    expect(await processed.isProcessed(bad.id)).toBe(false);
    expect(await processed.isProcessed(good.id)).toBe(true);
  });

  it('retries the whole batch while a dependency is down, and loses nothing', async () => {
    let failures = 2;
    const calls: string[][] = [];
    const { d, letters } = deps(async (_t, envelopes) => {
      calls.push(idsOf(envelopes));
      if (failures-- > 0) throw new TransientEventError('store unavailable');
    });
    const events = [userEvent(), userEvent()];
    expect(await processBatch(upstreamUsersTopic, 0, events.map((e, i) => message(e, i)), d)).toBe('done');
    // The retries get the same events (decoded again from their messages: the batch lets go of them after the first call).
    expect(calls).toEqual(Array(3).fill(events.map((e) => e.id)));
    expect(letters).toHaveLength(0);
  });

  it('falls back to one event at a time when the batch fails otherwise, so only the bad event is dead-lettered', async () => {
    const [good1, bad, good2] = [userEvent(), userEvent(), userEvent()];
    const stored: string[] = [];
    const { d, letters, processed } = deps(async (_t, envelopes) => {
      if (envelopes.some((e) => e.id === bad.id)) throw new Error('bug on this event');
      stored.push(...idsOf(envelopes));
    });
    expect(await processBatch(upstreamUsersTopic, 0, [message(good1, 0), message(bad, 1), message(good2, 2)], d)).toBe('done');
    expect(stored).toEqual([good1.id, good2.id]);
    expect(letters.map((l) => l.headers['dlq-original-offset'])).toEqual(['1']);
    expect(await processed.isProcessed(good2.id)).toBe(true);
  });

  it('stops without committing when the consumer stops during a retry', async () => {
    let running = true;
    const { d, processed } = deps(async () => {
      running = false;
      throw new TransientEventError('store unavailable');
    }, () => running);
    const event = userEvent();
    expect(await processBatch(upstreamUsersTopic, 0, [message(event, 0)], d)).toBe('interrupted');
    expect(await processed.isProcessed(event.id)).toBe(false);
  });

  describe('a handler that stores later (storedLater)', () => {
    /** A promise settled from outside, for what a handler stores behind its call. */
    function later() {
      let settle: { resolve: (r?: BatchResult) => void; reject: (e: Error) => void } = { resolve: () => undefined, reject: () => undefined };
      const promise = new Promise<BatchResult | void>((resolve, reject) => (settle = { resolve, reject }));
      return { promise, ...settle };
    }
    const flush = () => new Promise((resolve) => setImmediate(resolve));

    it('is done, and marks the events processed, only once what it stores is stored', async () => {
      const storing = later();
      let returned = false;
      const { d, processed } = deps(async () => {
        returned = true;
        return storedLater(storing.promise);
      });
      const event = userEvent();
      let outcome: string | undefined;
      const run = processBatch(upstreamUsersTopic, 0, [message(event, 0)], d).then((o) => (outcome = o));
      await flush();
      expect(returned).toBe(true);
      expect(outcome).toBeUndefined();
      expect(await processed.isProcessed(event.id)).toBe(false);
      storing.resolve();
      await run;
      expect(outcome).toBe('done');
      expect(await processed.isProcessed(event.id)).toBe(true);
    });

    it('retries the batch with the same events when what it stores fails for now', async () => {
      const calls: string[][] = [];
      const { d, letters } = deps(async (_t, envelopes) => {
        calls.push(idsOf(envelopes));
        return storedLater(calls.length === 1 ? Promise.reject(new TransientEventError('store unavailable')) : Promise.resolve());
      });
      const events = [userEvent(), userEvent()];
      expect(await processBatch(upstreamUsersTopic, 0, events.map((e, i) => message(e, i)), d)).toBe('done');
      expect(calls).toEqual([events.map((e) => e.id), events.map((e) => e.id)]);
      expect(letters).toHaveLength(0);
    });

    it('falls back to one event at a time when what it stores fails otherwise, and dead-letters what it rejects', async () => {
      const [good, bad, refused] = [userEvent(), userEvent(), userEvent()];
      const stored: string[] = [];
      const { d, letters, processed } = deps(async (_t, envelopes) => {
        const ids = idsOf(envelopes);
        if (ids.includes(bad.id)) return storedLater(Promise.reject(new Error('bug on this event')));
        stored.push(...ids.filter((id) => id !== refused.id));
        return storedLater(Promise.resolve(ids.includes(refused.id) ? { rejected: [{ eventId: refused.id, error: new PermanentEventError('refused') }] } : undefined));
      });
      expect(await processBatch(upstreamUsersTopic, 0, [message(good, 0), message(bad, 1), message(refused, 2)], d)).toBe('done');
      expect(stored).toEqual([good.id]);
      expect(letters.map((l) => l.headers['dlq-original-offset'])).toEqual(['1', '2']);
      expect(await processed.isProcessed(good.id)).toBe(true);
      expect(await processed.isProcessed(refused.id)).toBe(false);
    });

    it('dead-letters the events rejected in what it stores, and marks the others processed', async () => {
      const [bad, good] = [userEvent(), userEvent()];
      const { d, letters, processed } = deps(async () => storedLater(Promise.resolve({ rejected: [{ eventId: bad.id, error: new PermanentEventError('contradicts the stored answer') }] })));
      expect(await processBatch(upstreamUsersTopic, 0, [message(bad, 0), message(good, 1)], d)).toBe('done');
      expect(letters.map((l) => l.headers['dlq-original-offset'])).toEqual(['0']);
      expect(await processed.isProcessed(bad.id)).toBe(false);
      expect(await processed.isProcessed(good.id)).toBe(true);
    });
  });
});
