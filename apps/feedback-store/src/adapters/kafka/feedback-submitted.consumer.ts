import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { feedbackRequestsTopic, type Envelope, type FeedbackSubmitted } from '@feedback/contracts';
import { OnTopic } from '@feedback/messaging';
import { FeedbackAnswersService } from '../../feedback-answers.service';

/**
 * Stores the answers people give (feedback.requests.v1 FeedbackSubmitted),
 * write-once. The topic's other events need nothing here: requested, declined
 * and expired requests have no answer, and FeedbackErased is this service's
 * own event, emitted with the tombstone it describes.
 */
@Controller()
export class FeedbackSubmittedConsumer {
  constructor(private readonly answers: FeedbackAnswersService) {}

  @OnTopic(feedbackRequestsTopic)
  async onFeedbackEvent(@Payload() event: Envelope): Promise<void> {
    if (event.type !== feedbackRequestsTopic.events.FeedbackSubmitted.type) return;
    await this.answers.store(event.data as FeedbackSubmitted, { eventId: event.id, correlationId: event.correlationId });
  }
}
