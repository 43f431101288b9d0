import { z } from 'zod';
import { event, id, isoDateTime, topic } from '../topic';

/** The details a reviewer may choose to share (I3). Names only: values travel on info.disclosures.v1. */
export const sharedFieldSchema = z.enum(['email', 'referenceNumber', 'fullName', 'phone']);

const requestRef = { requestId: id(), businessId: id(), reviewId: id() };

export const informationRequestedSchema = z.object({
  ...requestRef,
  reviewerId: id(),
  /** The business user who asked; the only one told the outcome (I6). */
  requestedBy: id(),
  requestedAt: isoDateTime(),
  expiresAt: isoDateTime(),
});

export const informationProvidedSchema = z.object({
  ...requestRef,
  requestedBy: id(),
  /** Which fields were shared, never their values. */
  sharedFields: z.array(sharedFieldSchema).min(1).max(4),
  requestedAt: isoDateTime(),
  providedAt: isoDateTime(),
});

export const informationDeclinedSchema = z.object({ ...requestRef, requestedBy: id(), requestedAt: isoDateTime(), declinedAt: isoDateTime() });

/** No answer in time: unlocks a `not_genuine_experience` report (I8, R1). */
export const informationRequestExpiredSchema = z.object({ ...requestRef, requestedBy: id(), requestedAt: isoDateTime(), expiredAt: isoDateTime() });

/**
 * The business said whether the shared details let it find the person
 * (produced by feedback-store). `identified: false` unlocks a
 * `not_genuine_experience` report (R1).
 */
export const identificationRecordedSchema = z.object({ ...requestRef, identified: z.boolean(), recordedBy: id(), recordedAt: isoDateTime() });

export const infoRequestsTopic = topic('info.requests.v1', 'requestId', {
  InformationRequested: event('InformationRequested', informationRequestedSchema),
  InformationProvided: event('InformationProvided', informationProvidedSchema),
  InformationDeclined: event('InformationDeclined', informationDeclinedSchema),
  InformationRequestExpired: event('InformationRequestExpired', informationRequestExpiredSchema),
  IdentificationRecorded: event('IdentificationRecorded', identificationRecordedSchema),
});

export type SharedField = z.infer<typeof sharedFieldSchema>;
export type InformationRequested = z.infer<typeof informationRequestedSchema>;
export type InformationProvided = z.infer<typeof informationProvidedSchema>;
export type InformationDeclined = z.infer<typeof informationDeclinedSchema>;
export type InformationRequestExpired = z.infer<typeof informationRequestExpiredSchema>;
export type IdentificationRecorded = z.infer<typeof identificationRecordedSchema>;
