/** @feedback/service-kit: the wiring every service shares (owner: platform team). */
export * from './service-kit.module';
export * from './bootstrap';
export * from './processed-events.repository';
export * from './outbox';
export { HealthRegistry, type HealthContributor } from './platform.controllers';
export * from './periodic-sweep';
