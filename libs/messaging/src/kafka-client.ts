import { Kafka, type KafkaConfig } from 'kafkajs';
import RequestQueue from 'kafkajs/src/network/requestQueue/index.js';

const FIXED = Symbol.for('feedback.kafkajs.idle-timer-fixed');

/**
 * Stops kafkajs 2.2.4 (its last release) from spinning a 1 ms timer on every
 * broker connection for as long as the connection lives.
 *
 * After each response its request queue schedules a check of the requests
 * waiting to be sent, even when none wait and the broker has not throttled it:
 * the delay is then negative, Node runs the timer after 1 ms, and the check
 * schedules the next one (tulios/kafkajs#1704; Node 24's TimeoutNegativeWarning
 * is its symptom, #1751). Here a check is scheduled only when there is
 * something to check: requests waiting (kafkajs' own 10 ms retry) or a throttle
 * to wait out. A request that cannot go out at once is still queued with a
 * check (`push`), and each response checks the queue again (`fulfillRequest`).
 *
 * Measured on the local stack: an idle service went from 0.05 to 0.02 of a
 * core. Idempotent; throws if kafkajs' internals are not what this expects, so
 * an upgrade fails loudly instead of silently losing the fix.
 */
export function fixKafkajsIdleTimer(): void {
  const proto = RequestQueue.prototype as RequestQueue & { [FIXED]?: true };
  if (proto[FIXED]) return;
  const original = proto.scheduleCheckPendingRequests;
  if (typeof original !== 'function' || typeof proto.checkPendingRequests !== 'function') {
    throw new Error('kafkajs RequestQueue has changed: review fixKafkajsIdleTimer (libs/messaging/src/kafka-client.ts)');
  }
  proto.scheduleCheckPendingRequests = function (this: RequestQueue) {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    original.call(this);
  };
  proto[FIXED] = true;
}

/** A kafkajs client, with fixKafkajsIdleTimer applied: every Kafka client of the platform and its tools is made here. */
export function newKafka(config: KafkaConfig): Kafka {
  fixKafkajsIdleTimer();
  return new Kafka(config);
}
