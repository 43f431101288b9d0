import { z } from 'zod';
import { event, id, isoDateTime, languageTag, topic } from '../topic';

/** What an email was about, e.g. `information-request`, `information-outcome`. */
const kind = () => z.string().min(1).max(60);

/** Delivery facts only: no address and no content ever leave notifications. */
export const emailSentSchema = z.object({
  notificationId: id(),
  kind: kind(),
  userId: id().optional(),
  language: languageTag(),
  attempts: z.number().int().positive(),
  sentAt: isoDateTime(),
});

export const emailFailedSchema = z.object({
  notificationId: id(),
  kind: kind(),
  userId: id().optional(),
  language: languageTag(),
  attempts: z.number().int().positive(),
  /** Why delivery was given up, without the address. */
  reason: z.string().max(500),
  failedAt: isoDateTime(),
});

export const notificationsTopic = topic('notifications.v1', 'notificationId', {
  EmailSent: event('EmailSent', emailSentSchema),
  EmailFailed: event('EmailFailed', emailFailedSchema),
});

export type EmailSent = z.infer<typeof emailSentSchema>;
export type EmailFailed = z.infer<typeof emailFailedSchema>;
