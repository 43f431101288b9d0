import { z } from 'zod';
import { event, id, isoDateTime, topic } from '../topic';

/** A business and a person talked in a private (direct-message) conversation. */
export const conversationInteractionSchema = z.object({
  conversationId: id(),
  businessId: id(),
  /** The person (consumer) in the conversation. */
  userId: id(),
  /** Business users who took part; they may see feedback about it (F7). */
  representativeIds: z.array(id()).max(100),
  occurredAt: isoDateTime(),
});

/** The private conversation was deleted; stored feedback must stay (F10). */
export const conversationDeletedSchema = z.object({
  conversationId: id(),
  userId: id(),
  deletedAt: isoDateTime(),
});

export const upstreamConversationsTopic = topic('upstream.conversations.v1', 'conversationId', {
  ConversationInteraction: event('ConversationInteraction', conversationInteractionSchema),
  ConversationDeleted: event('ConversationDeleted', conversationDeletedSchema),
});

export type ConversationInteraction = z.infer<typeof conversationInteractionSchema>;
export type ConversationDeleted = z.infer<typeof conversationDeletedSchema>;
