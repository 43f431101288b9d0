import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { feedbackRequestsTopic, infoRequestsTopic, reportsTopic, upstreamBusinessesTopic, type BusinessProfileUpdated, type Envelope } from '@feedback/contracts';
import { OnTopic, OnTopicBatch, storedLater, type BatchResult } from '@feedback/messaging';
import { AggregationService, MAX_PENDING_EVENTS } from '../../aggregation.service';
import { AggregatesRepository } from '../mongo/aggregates.repository';

/**
 * Counts do not depend on the order of events, and writing the days a backlog
 * touches takes longer than reading the next batches (~500 ms against a
 * fetch): batches are read while earlier ones are stored (the transport's
 * write-behind, which commits offsets only past what is stored), and what
 * arrives meanwhile is written together by AggregationService's lanes, so each
 * day write carries more events. The bench's pipeline, two pairs of alternated
 * runs (12-06): 29.7 and 32.8 s against 32.7 and 34.8 s (docs/performance.md).
 */
const STORE_BEHIND_READING = { maxPendingEvents: MAX_PENDING_EVENTS };

/**
 * The events analytics counts (a batch at a time: they are the bulk of the
 * traffic), and the business names its dashboard shows. Counting records each
 * event id in a record of its batch (`applied_batches`) with its effect, hence `ownIdempotency`.
 */
@Controller()
export class AnalyticsEventsConsumer {
  constructor(
    private readonly aggregation: AggregationService,
    private readonly repository: AggregatesRepository,
  ) {}

  // Counting writes once per business-day of a batch, not per event: the more events a
  // call gets, the fewer writes each costs (the topic carries most of the traffic). Each
  // call answers once the events are turned into contributions, so that the events are
  // let go of while their counts wait to be stored (storedLater).
  @OnTopicBatch(feedbackRequestsTopic, { ownIdempotency: true, maxBatchSize: 2000, writeBehind: STORE_BEHIND_READING })
  onFeedbackEvents(@Payload() events: Envelope[]): BatchResult {
    return storedLater(this.aggregation.countMany(events));
  }

  @OnTopicBatch(infoRequestsTopic, { ownIdempotency: true, writeBehind: STORE_BEHIND_READING })
  onInformationEvents(@Payload() events: Envelope[]): BatchResult {
    return storedLater(this.aggregation.countMany(events));
  }

  @OnTopicBatch(reportsTopic, { ownIdempotency: true, writeBehind: STORE_BEHIND_READING })
  onReportEvents(@Payload() events: Envelope[]): BatchResult {
    return storedLater(this.aggregation.countMany(events));
  }

  /** Only the name is kept: the profile's users and their contacts are not analytics' business (A1). */
  @OnTopic(upstreamBusinessesTopic)
  async onBusinessEvent(@Payload() event: Envelope): Promise<void> {
    if (event.type !== upstreamBusinessesTopic.events.BusinessProfileUpdated.type) return;
    const profile = event.data as BusinessProfileUpdated;
    await this.repository.saveBusinessName(profile.businessId, profile.name, { asOf: new Date(event.occurredAt), sourceEventId: event.id });
  }
}
