import { z } from 'zod';

/**
 * The envelope every event travels in, on every topic (DESIGN.md 3.1).
 * The payload (`data`) is validated separately, against the schema registered
 * for `type` + `version` on the topic, so an unknown type can be skipped while a
 * malformed envelope is dead-lettered.
 */
export const envelopeSchema = z.object({
  /** Unique event id (uuid); consumers are idempotent on it. */
  id: z.uuid(),
  /** Event type name, e.g. `InformationRequested`. */
  type: z.string().min(1).max(100),
  /** Schema version of `data` for this type; starts at 1. */
  version: z.number().int().positive(),
  /** When the fact happened (ISO-8601, UTC). */
  occurredAt: z.iso.datetime({ offset: true }),
  /** The producing system or service. */
  source: z.string().min(1).max(100),
  /** Ties together every event caused by one original request. */
  correlationId: z.uuid(),
  /** The payload; its shape depends on `type` and `version`. */
  data: z.unknown(),
});

export type Envelope<TType extends string = string, TData = unknown> = Omit<
  z.infer<typeof envelopeSchema>,
  'type' | 'data'
> & { type: TType; data: TData };
