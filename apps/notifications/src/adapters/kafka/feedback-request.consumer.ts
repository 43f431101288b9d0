import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { feedbackRequestsTopic, type Envelope } from '@feedback/contracts';
import { OnTopic } from '@feedback/messaging';
import { EmailPipeline } from '../../email-pipeline.service';

/** A feedback request becomes an email to the person asked (F11: with the business's privacy policy). */
@Controller()
export class FeedbackRequestConsumer {
  constructor(private readonly emails: EmailPipeline) {}

  @OnTopic(feedbackRequestsTopic)
  async onFeedbackRequestEvent(@Payload() event: Envelope): Promise<void> {
    await this.emails.handle(feedbackRequestsTopic, event);
  }
}
