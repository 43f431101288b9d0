import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { feedbackRequestsTopic, type Envelope } from '@feedback/contracts';
import { OnTopicBatch } from '@feedback/messaging';
import { EmailPipeline } from '../../email-pipeline.service';
import { emailTriggerTypes } from '../../domain/email.policy';

/**
 * A feedback request becomes an email to the person asked (F11: with the
 * business's privacy policy). `ownIdempotency`: no processed-event record is
 * kept for this hot topic. Each email's delivery record is keyed by the event
 * (notificationIdFor), and the pipeline reads those records before it sends,
 * so a redelivered event sends nothing twice.
 */
@Controller()
export class FeedbackRequestConsumer {
  constructor(private readonly emails: EmailPipeline) {}

  @OnTopicBatch(feedbackRequestsTopic, { types: emailTriggerTypes(feedbackRequestsTopic.name), ownIdempotency: true })
  async onFeedbackRequestEvents(@Payload() events: Envelope[]): Promise<void> {
    await this.emails.handleMany(feedbackRequestsTopic, events);
  }
}
