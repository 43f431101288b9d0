/**
 * @feedback/messaging: the platform's Kafka edge. Producing validates before
 * sending; consuming validates, skips unknown types, is idempotent on the event
 * id and dead-letters what it cannot process, with the original bytes.
 */
export * from './kafka-client';
export * from './kafka-settings';
export * from './event-publisher';
export * from './failures';
export * from './idempotency';
export * from './message-processor';
export * from './batch-processor';
export * from './kafka-event.server';
export * from './group-commit';
