import RequestQueue from 'kafkajs/src/network/requestQueue/index.js';
import { fixKafkajsIdleTimer } from './kafka-client';

const quietLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function newQueue(maxInFlightRequests: number | null = null): RequestQueue {
  return new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'spec', broker: 'localhost:9092', logger: quietLogger });
}

/** A request as kafkajs' connection pushes it; `sent` counts how often it went out. */
function request(correlationId: number) {
  const sent = { count: 0, resolved: false };
  const pushed = {
    entry: { correlationId, apiKey: 1, apiName: 'Fetch', apiVersion: 11, resolve: () => (sent.resolved = true), reject: () => undefined },
    expectResponse: true,
    sendRequest: () => void sent.count++,
  };
  return { pushed, sent };
}

const queues: RequestQueue[] = [];
const track = (queue: RequestQueue) => (queues.push(queue), queue);
afterEach(() => queues.splice(0).forEach((queue) => queue.destroy()));

// The tests run in this order: the first looks at kafkajs as released, the rest with the fix applied.
describe('kafkajs request queue, as released', () => {
  it('re-arms a check timer after a response even when nothing waits (the 1 ms loop)', () => {
    const queue = track(newQueue());
    queue.checkPendingRequests();
    expect(queue.throttleCheckTimeoutId).not.toBeNull();
  });
});

describe('fixKafkajsIdleTimer', () => {
  let fixed: RequestQueue['scheduleCheckPendingRequests'];
  beforeAll(() => {
    fixKafkajsIdleTimer();
    fixed = RequestQueue.prototype.scheduleCheckPendingRequests;
    fixKafkajsIdleTimer();
  });

  it('is applied once, however often it is called (a second call does not wrap the wrapper)', () => {
    expect(RequestQueue.prototype.scheduleCheckPendingRequests).toBe(fixed);
  });

  it('arms no timer when nothing waits and the broker has not throttled', () => {
    const queue = track(newQueue());
    queue.checkPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('still waits out a throttle', () => {
    const queue = track(newQueue());
    queue.throttledUntil = Date.now() + 60_000;
    queue.scheduleCheckPendingRequests();
    expect(queue.throttleCheckTimeoutId).not.toBeNull();
  });

  it('sends a request held back by the in-flight limit once the one before it is answered, then stops checking', async () => {
    const queue = track(newQueue(1));
    const first = request(1);
    const second = request(2);
    queue.push(first.pushed);
    queue.push(second.pushed);
    expect([first.sent.count, second.sent.count, queue.pending.length]).toEqual([1, 0, 1]);

    queue.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });

    expect([first.sent.resolved, second.sent.count, queue.pending.length]).toEqual([true, 1, 0]);
    // The 10 ms check armed while the second request waited runs once and arms no other.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('sends a request held back by a throttle once the throttle has passed', async () => {
    const queue = track(newQueue());
    queue.throttledUntil = Date.now() + 30;
    const held = request(7);
    queue.push(held.pushed);
    expect(held.sent.count).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, 120));

    expect(held.sent.count).toBe(1);
    expect(queue.pending).toHaveLength(0);
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });
});
