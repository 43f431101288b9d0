/**
 * @feedback/contracts: every Kafka topic of the platform, its events, their
 * runtime schemas and the TypeScript types derived from them (DESIGN.md 3.1, 3.2).
 * Depends on nothing but zod.
 */
export * from './envelope';
export * from './topic';
export * from './registry';
export * from './decode';
export * from './topics/upstream-conversations';
export * from './topics/upstream-reviews';
export * from './topics/upstream-users';
export * from './topics/upstream-businesses';
export * from './topics/feedback-requests';
export * from './topics/info-requests';
export * from './topics/info-disclosures';
export * from './topics/reports';
export * from './topics/notifications';
