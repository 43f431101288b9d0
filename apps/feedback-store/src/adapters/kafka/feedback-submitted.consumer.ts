import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { feedbackRequestsTopic, type Envelope, type FeedbackSubmitted } from '@feedback/contracts';
import { OnTopicBatch, type BatchResult } from '@feedback/messaging';
import { FeedbackAnswersService } from '../../feedback-answers.service';

const SUBMITTED = feedbackRequestsTopic.events.FeedbackSubmitted.type;

/**
 * Stores the answers people give (feedback.requests.v1 FeedbackSubmitted),
 * write-once, a batch at a time (the platform's hottest write). The topic's
 * other events need nothing here, so the consumer skips them before any lookup:
 * requested, declined and expired requests have no answer, and FeedbackErased
 * is this service's own event, emitted with the tombstone it describes.
 *
 * `ownIdempotency`: no processed-event record is kept (one read and one write of
 * a record per answer less, on the hottest topic). An answer's `_id` is its
 * request id and storeMany decides each event against the stored answer, so a
 * redelivered one is ignored as a replay, or refused again if it conflicts.
 */
@Controller()
export class FeedbackSubmittedConsumer {
  constructor(private readonly answers: FeedbackAnswersService) {}

  @OnTopicBatch(feedbackRequestsTopic, { types: [SUBMITTED], ownIdempotency: true })
  async onFeedbackEvents(@Payload() events: Envelope[]): Promise<BatchResult> {
    // `types` hands over FeedbackSubmitted events only.
    const submitted = events.map((event) => ({ event: event.data as FeedbackSubmitted, eventId: event.id, correlationId: event.correlationId }));
    return { rejected: await this.answers.storeMany(submitted) };
  }
}
