import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { feedbackRequestsTopic, type Envelope } from '@feedback/contracts';
import { OnTopicBatch } from '@feedback/messaging';
import { EmailPipeline } from '../../email-pipeline.service';
import { emailTriggerTypes } from '../../domain/email.policy';

/** A feedback request becomes an email to the person asked (F11: with the business's privacy policy). */
@Controller()
export class FeedbackRequestConsumer {
  constructor(private readonly emails: EmailPipeline) {}

  @OnTopicBatch(feedbackRequestsTopic, { types: emailTriggerTypes(feedbackRequestsTopic.name) })
  async onFeedbackRequestEvents(@Payload() events: Envelope[]): Promise<void> {
    await this.emails.handleMany(feedbackRequestsTopic, events);
  }
}
