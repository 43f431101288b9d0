import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  infoRequestsTopic,
  upstreamBusinessesTopic,
  upstreamReviewsTopic,
  type BusinessProfileUpdated,
  type Envelope,
  type IdentificationRecorded,
  type InformationDeclined,
  type InformationProvided,
  type InformationRequested,
  type InformationRequestExpired,
  publishedReview,
  type ReviewPublished,
} from '@feedback/contracts';
import { OnTopic, OnTopicBatch } from '@feedback/messaging';
import { eventVersion } from '@feedback/persistence';
import { DirectoryRepository } from '../mongo/directory.repository';

const REVIEW_PUBLISHED = upstreamReviewsTopic.events.ReviewPublished.type;

/** What every event of an information request says of it: the request's business, review, asker and time. */
function requestFacts(data: InformationRequested | InformationProvided | InformationDeclined | InformationRequestExpired) {
  return { businessId: data.businessId, reviewId: data.reviewId, requestedBy: data.requestedBy, requestedAt: new Date(data.requestedAt) };
}

/**
 * What reporting needs to know, learnt from events only (never another
 * service's database): reviews (R2, R6), business names (the documentation
 * page), and the history of information requests about each review (R1).
 */
@Controller()
export class DirectoryConsumer {
  constructor(private readonly directory: DirectoryRepository) {}

  /** A review is written only over an older version, so a redelivered event changes nothing. */
  @OnTopicBatch(upstreamReviewsTopic, { types: [REVIEW_PUBLISHED] })
  async onReviewEvents(@Payload() events: Envelope[]): Promise<void> {
    await this.directory.saveReviews(events.map((event) => ({ value: publishedReview(event.data as ReviewPublished), version: eventVersion(event) })));
  }

  @OnTopic(upstreamBusinessesTopic)
  async onBusinessEvent(@Payload() event: Envelope): Promise<void> {
    if (event.type !== upstreamBusinessesTopic.events.BusinessProfileUpdated.type) return;
    const profile = event.data as BusinessProfileUpdated;
    await this.directory.saveBusiness({ businessId: profile.businessId, name: profile.name, privacyPolicyUrl: profile.privacyPolicyUrl }, eventVersion(event));
  }

  @OnTopic(infoRequestsTopic)
  async onInformationRequestEvent(@Payload() event: Envelope): Promise<void> {
    const { events } = infoRequestsTopic;
    switch (event.type) {
      case events.InformationRequested.type: {
        const data = event.data as InformationRequested;
        return this.directory.recordInformationRequest(data.requestId, { ...requestFacts(data), expiresAt: new Date(data.expiresAt) });
      }
      case events.InformationProvided.type: {
        const data = event.data as InformationProvided;
        return this.directory.recordInformationRequest(data.requestId, { ...requestFacts(data), providedAt: new Date(data.providedAt), sharedFields: [...data.sharedFields] });
      }
      case events.InformationDeclined.type: {
        const data = event.data as InformationDeclined;
        return this.directory.recordInformationRequest(data.requestId, { ...requestFacts(data), declinedAt: new Date(data.declinedAt) });
      }
      case events.InformationRequestExpired.type: {
        const data = event.data as InformationRequestExpired;
        return this.directory.recordInformationRequest(data.requestId, { ...requestFacts(data), expiredAt: new Date(data.expiredAt) });
      }
      case events.IdentificationRecorded.type: {
        const data = event.data as IdentificationRecorded;
        return this.directory.recordIdentification(
          data.requestId,
          { businessId: data.businessId, reviewId: data.reviewId },
          { identified: data.identified, recordedAt: new Date(data.recordedAt), recordedBy: data.recordedBy },
        );
      }
    }
  }
}
