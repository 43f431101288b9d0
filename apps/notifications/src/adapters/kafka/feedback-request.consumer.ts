import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { feedbackRequestsTopic, type Envelope } from '@feedback/contracts';
import { OnTopicBatch } from '@feedback/messaging';
import { EmailPipeline } from '../../email-pipeline.service';
import { emailTriggerTypes } from '../../domain/email.policy';

/**
 * Feedback requests read ahead of the emails being sent: up to this many
 * handed over and not yet concluded. A batch's emails go through round trips
 * (read the states and recipients, claim, send, conclude, publish) during which
 * its partition's next batch used to wait. `--only notifications`, four
 * alternated pairs: 236-263 emails/s (mean 248) against 220-242 (mean 233),
 * the store's CPU per email 1.13-1.41 ms against 1.51-1.76; 500: 216-232,
 * 6,000: 232-251. The pipeline, which parks an email per request, no faster or
 * slower; notifications' peak RSS there 199-201 MB against 192-195.
 */
const SEND_BEHIND_READING = { maxPendingEvents: 2000 };

/**
 * A feedback request becomes an email to the person asked (F11: with the
 * business's privacy policy). `ownIdempotency`: no processed-event record is
 * kept for this hot topic. Each email's delivery record is keyed by the event
 * (notificationIdFor), and the pipeline reads those records before it sends,
 * so a redelivered event sends nothing twice, and two batches of a partition
 * sent at once (`writeBehind`) claim each email once. Only FeedbackRequested
 * calls for an email on this topic, so no email of a request can overtake
 * another of the same request.
 */
@Controller()
export class FeedbackRequestConsumer {
  constructor(private readonly emails: EmailPipeline) {}

  @OnTopicBatch(feedbackRequestsTopic, { types: emailTriggerTypes(feedbackRequestsTopic.name), ownIdempotency: true, writeBehind: SEND_BEHIND_READING })
  async onFeedbackRequestEvents(@Payload() events: Envelope[]): Promise<void> {
    await this.emails.handleMany(feedbackRequestsTopic, events);
  }
}
