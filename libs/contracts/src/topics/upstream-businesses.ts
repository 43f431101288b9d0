import { z } from 'zod';
import { event, id, languageTag, topic } from '../topic';

/** A business user and their role in that business. */
export const businessUserSchema = z.object({
  userId: id(),
  email: z.email().max(320),
  preferredLanguage: languageTag(),
  role: z.enum(['admin', 'member']),
});

/** The latest profile of a business; it replaces the previous one whole. */
export const businessProfileUpdatedSchema = z.object({
  businessId: id(),
  name: z.string().min(1).max(200),
  /** Without it the business cannot send feedback requests (F11). */
  privacyPolicyUrl: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  /** The business's own name for "reference number", e.g. "order number" (I4). */
  referenceNumberLabel: z.string().min(1).max(60).optional(),
  users: z.array(businessUserSchema).max(1000),
});

export const upstreamBusinessesTopic = topic('upstream.businesses.v1', 'businessId', {
  BusinessProfileUpdated: event('BusinessProfileUpdated', businessProfileUpdatedSchema),
});

export type BusinessUser = z.infer<typeof businessUserSchema>;
export type BusinessProfileUpdated = z.infer<typeof businessProfileUpdatedSchema>;
