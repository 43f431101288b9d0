import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { upstreamConversationsTopic, type ConversationDeleted, type Envelope } from '@feedback/contracts';
import { OnTopic } from '@feedback/messaging';
import { FeedbackAnswersService } from '../../feedback-answers.service';

/**
 * upstream.conversations.v1. ConversationDeleted is handled on purpose, and
 * deletes nothing: feedback about a private conversation outlives it (F10).
 * ConversationInteraction is the requests service's concern (F1).
 */
@Controller()
export class ConversationDeletedConsumer {
  constructor(private readonly answers: FeedbackAnswersService) {}

  @OnTopic(upstreamConversationsTopic)
  async onConversationEvent(@Payload() event: Envelope): Promise<void> {
    if (event.type !== upstreamConversationsTopic.events.ConversationDeleted.type) return;
    await this.answers.conversationDeleted((event.data as ConversationDeleted).conversationId);
  }
}
