/**
 * Thrown by a handler for a message that can never succeed (e.g. it breaks a
 * domain invariant): dead-lettered at once, not retried.
 */
export class PermanentEventError extends Error {
  override readonly name = 'PermanentEventError';
}

/**
 * Thrown by a handler when a dependency it needs is unavailable (e.g. the mail
 * server): the message is retried without limit, with backoff, never dead-lettered.
 */
export class TransientEventError extends Error {
  override readonly name = 'TransientEventError';
}

/** Error names of the MongoDB driver and kafkajs that mean "infrastructure unavailable, try again". */
const TRANSIENT_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongooseServerSelectionError',
  'PoolClearedError',
  'PoolClosedError',
  'KafkaJSConnectionError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSNonRetriableError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
]);

/**
 * transient: infrastructure down; retry without limit (nothing may be lost).
 * permanent: dead-letter now.
 * unexpected: a bug or a bad message; retry a few times, then dead-letter.
 */
export type FailureKind = 'transient' | 'permanent' | 'unexpected';

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof PermanentEventError) return 'permanent';
  if (error instanceof TransientEventError) return 'transient';
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const name = (current as { name?: string }).name ?? '';
    if (TRANSIENT_NAMES.has(name)) return 'transient';
    if ((current as { code?: string }).code === 'ECONNREFUSED') return 'transient';
    current = (current as { cause?: unknown }).cause;
  }
  return 'unexpected';
}

/** Exponential backoff with full jitter, capped. */
export function backoffMs(attempt: number, baseMs = 200, capMs = 15_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.floor(ceiling / 2 + Math.random() * (ceiling / 2));
}
