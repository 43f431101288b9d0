import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { upstreamUsersTopic } from '@feedback/contracts';
import { PermanentEventError, TransientEventError } from './failures';
import { InMemoryProcessedEvents } from './idempotency';
import { processMessage, type DeadLetter, type ProcessorDeps } from './message-processor';

function message(value: unknown, offset = '7'): KafkaMessage {
  return {
    key: Buffer.from('u1'),
    value: typeof value === 'string' ? Buffer.from(value) : Buffer.from(JSON.stringify(value)),
    offset,
    timestamp: '0',
    attributes: 0,
    headers: { 'trace-id': 't1' },
  } as KafkaMessage;
}

function userEvent(id = randomUUID()) {
  return {
    id,
    type: 'UserProfileUpdated',
    version: 1,
    occurredAt: '2026-11-21T10:00:00.000Z',
    source: 'users',
    correlationId: randomUUID(),
    data: { userId: 'u1', email: 'ann@example.com', preferredLanguage: 'en', displayName: 'Ann' },
  };
}

function deps(handle: ProcessorDeps['handle'], running = () => true) {
  const letters: DeadLetter[] = [];
  const d: ProcessorDeps = {
    groupId: 'notifications',
    processed: new InMemoryProcessedEvents(),
    handle,
    deadLetter: async (letter) => void letters.push(letter),
    isRunning: running,
    sleep: async () => undefined,
    log: () => undefined,
  };
  return { d, letters };
}

describe('processMessage', () => {
  it('runs the handler once per event id, however often it is delivered', async () => {
    const handle = jest.fn(async () => undefined);
    const { d } = deps(handle);
    const event = userEvent();
    expect(await processMessage(upstreamUsersTopic, 0, message(event), d)).toBe('handled');
    expect(await processMessage(upstreamUsersTopic, 0, message(event), d)).toBe('duplicate');
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('dead-letters a malformed message with the original bytes and the contract headers', async () => {
    const { d, letters } = deps(jest.fn());
    const poison = message('{"not json', '42');
    expect(await processMessage(upstreamUsersTopic, 2, poison, d)).toBe('dead-lettered');
    expect(letters).toHaveLength(1);
    expect(letters[0]!.topic).toBe('upstream.users.v1.dlq');
    expect(letters[0]!.key).toBe(poison.key);
    expect(letters[0]!.value).toBe(poison.value);
    expect(letters[0]!.headers).toMatchObject({
      'trace-id': 't1',
      'dlq-original-topic': 'upstream.users.v1',
      'dlq-original-partition': '2',
      'dlq-original-offset': '42',
      'dlq-consumer-group': 'notifications',
    });
    expect(String(letters[0]!.headers['dlq-reason'])).toMatch(/not valid JSON/);
  });

  it('skips unknown event types without dead-lettering them', async () => {
    const handle = jest.fn();
    const { d, letters } = deps(handle);
    expect(await processMessage(upstreamUsersTopic, 0, message({ ...userEvent(), type: 'UserMerged' }), d)).toBe('skipped');
    expect(handle).not.toHaveBeenCalled();
    expect(letters).toHaveLength(0);
  });

  it('retries a transient failure until it succeeds, without dead-lettering', async () => {
    let calls = 0;
    const { d, letters } = deps(async () => {
      calls += 1;
      if (calls < 4) throw Object.assign(new Error('store down'), { name: 'MongoServerSelectionError' });
    });
    expect(await processMessage(upstreamUsersTopic, 0, message(userEvent()), d)).toBe('handled');
    expect(calls).toBe(4);
    expect(letters).toHaveLength(0);
  });

  it('retries a dependency marked unavailable without limit, keeping the consumer alive', async () => {
    let calls = 0;
    const heartbeat = jest.fn(async () => undefined);
    const { d, letters } = deps(async () => {
      calls += 1;
      if (calls < 12) throw new TransientEventError('mail server unreachable');
    });
    expect(await processMessage(upstreamUsersTopic, 0, message(userEvent()), { ...d, heartbeat, maxUnexpectedAttempts: 3 })).toBe('handled');
    expect(calls).toBe(12);
    expect(heartbeat).toHaveBeenCalledTimes(11);
    expect(letters).toHaveLength(0);
  });

  it('dead-letters a permanent failure at once and an unexpected one after bounded attempts', async () => {
    const permanent = deps(async () => { throw new PermanentEventError('breaks an invariant'); });
    expect(await processMessage(upstreamUsersTopic, 0, message(userEvent()), permanent.d)).toBe('dead-lettered');
    expect(String(permanent.letters[0]!.headers['dlq-reason'])).toMatch(/breaks an invariant/);

    const bug = jest.fn(async () => { throw new TypeError('undefined is not a function'); });
    const unexpected = deps(bug);
    expect(await processMessage(upstreamUsersTopic, 0, message(userEvent()), { ...unexpected.d, maxUnexpectedAttempts: 3 })).toBe('dead-lettered');
    expect(bug).toHaveBeenCalledTimes(3);
  });

  it('stops retrying on shutdown and reports the message as not committable', async () => {
    let running = true;
    const { d } = deps(async () => {
      running = false;
      throw Object.assign(new Error('broker gone'), { name: 'KafkaJSConnectionError' });
    }, () => running);
    expect(await processMessage(upstreamUsersTopic, 0, message(userEvent()), d)).toBe('interrupted');
  });
});
