/** @feedback/persistence: one MongoDB database per service, and helpers for idempotent writes. */
export * from './mongo.module';
export * from './mongo-errors';
export * from './latest-wins';
export * from './native-collection';
