import { z } from 'zod';
import { event, id, languageTag, topic } from '../topic';

/** A person's contact details changed; the latest one wins. Personal data: notifications only. */
export const userProfileUpdatedSchema = z.object({
  userId: id(),
  email: z.email().max(320),
  /** Language the person wants their messages in (BCP 47). */
  preferredLanguage: languageTag(),
  displayName: z.string().max(200),
});

export const upstreamUsersTopic = topic('upstream.users.v1', 'userId', {
  UserProfileUpdated: event('UserProfileUpdated', userProfileUpdatedSchema),
});

export type UserProfileUpdated = z.infer<typeof userProfileUpdatedSchema>;
