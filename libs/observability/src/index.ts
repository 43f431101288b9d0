/** @feedback/observability: logs with PII redaction, Prometheus metrics. */
export * from './logging';
export * from './metrics';
