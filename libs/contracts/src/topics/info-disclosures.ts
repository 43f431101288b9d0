import { z } from 'zod';
import { event, id, isoDateTime, topic } from '../topic';

/** AES-256-GCM sealed value; `keyId` names the key of the ring that sealed it (rotation). */
export const sealedValueSchema = z.object({
  keyId: z.string().min(1).max(50),
  iv: z.base64(),
  tag: z.base64(),
  ciphertext: z.base64(),
});

/**
 * The values a reviewer shared, sealed. The only topic that carries personal
 * details; consumed by feedback-store only, with short retention.
 */
export const informationDisclosedSchema = z.object({
  requestId: id(),
  businessId: id(),
  reviewId: id(),
  requestedBy: id(),
  /** JSON of `{email?, referenceNumber?, fullName?, phone?}`, sealed. */
  sealed: sealedValueSchema,
  providedAt: isoDateTime(),
});

/** Disclosures are relayed to feedback-store within seconds; the broker keeps them a week at most. */
export const DISCLOSURE_TOPIC_RETENTION_MS = 7 * 24 * 3_600_000;

export const infoDisclosuresTopic = topic(
  'info.disclosures.v1',
  'requestId',
  { InformationDisclosed: event('InformationDisclosed', informationDisclosedSchema) },
  3,
  { 'retention.ms': String(DISCLOSURE_TOPIC_RETENTION_MS) },
);

export type SealedValue = z.infer<typeof sealedValueSchema>;
export type InformationDisclosed = z.infer<typeof informationDisclosedSchema>;
