import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { upstreamConversationsTopic, type ConversationDeleted, type Envelope } from '@feedback/contracts';
import { OnTopicBatch } from '@feedback/messaging';
import { FeedbackAnswersService } from '../../feedback-answers.service';

const DELETED = upstreamConversationsTopic.events.ConversationDeleted.type;

/**
 * upstream.conversations.v1. ConversationDeleted is handled on purpose, and
 * deletes nothing: feedback about a private conversation outlives it (F10).
 * ConversationInteraction, nearly all of the topic, is the requests service's
 * concern (F1): as a batch handler acting on deletions only, this consumer
 * skips interactions without a store round trip.
 */
@Controller()
export class ConversationDeletedConsumer {
  constructor(private readonly answers: FeedbackAnswersService) {}

  @OnTopicBatch(upstreamConversationsTopic, { types: [DELETED] })
  async onConversationsDeleted(@Payload() events: Envelope[]): Promise<void> {
    for (const event of events) await this.answers.conversationDeleted((event.data as ConversationDeleted).conversationId);
  }
}
