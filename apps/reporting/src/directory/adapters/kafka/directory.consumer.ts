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
  type ReviewPublished,
} from '@feedback/contracts';
import { OnTopic } from '@feedback/messaging';
import { DirectoryRepository } from '../mongo/directory.repository';

const versionOf = (event: Envelope) => ({ asOf: new Date(event.occurredAt), sourceEventId: event.id });

/**
 * What reporting needs to know, learnt from events only (never another
 * service's database): reviews (R2, R6), business names (the documentation
 * page), and the history of information requests about each review (R1).
 */
@Controller()
export class DirectoryConsumer {
  constructor(private readonly directory: DirectoryRepository) {}

  @OnTopic(upstreamReviewsTopic)
  async onReviewEvent(@Payload() event: Envelope): Promise<void> {
    if (event.type !== upstreamReviewsTopic.events.ReviewPublished.type) return;
    const review = event.data as ReviewPublished;
    await this.directory.saveReview(
      {
        reviewId: review.reviewId,
        businessId: review.businessId,
        reviewerId: review.reviewerId,
        rating: review.rating,
        source: review.source,
        language: review.language,
        publishedAt: new Date(review.publishedAt),
      },
      versionOf(event),
    );
  }

  @OnTopic(upstreamBusinessesTopic)
  async onBusinessEvent(@Payload() event: Envelope): Promise<void> {
    if (event.type !== upstreamBusinessesTopic.events.BusinessProfileUpdated.type) return;
    const profile = event.data as BusinessProfileUpdated;
    await this.directory.saveBusiness({ businessId: profile.businessId, name: profile.name, privacyPolicyUrl: profile.privacyPolicyUrl }, versionOf(event));
  }

  @OnTopic(infoRequestsTopic)
  async onInformationRequestEvent(@Payload() event: Envelope): Promise<void> {
    const { events } = infoRequestsTopic;
    switch (event.type) {
      case events.InformationRequested.type: {
        const data = event.data as InformationRequested;
        return this.directory.recordInformationRequest(data.requestId, {
          businessId: data.businessId,
          reviewId: data.reviewId,
          requestedBy: data.requestedBy,
          requestedAt: new Date(data.requestedAt),
          expiresAt: new Date(data.expiresAt),
        });
      }
      case events.InformationProvided.type: {
        const data = event.data as InformationProvided;
        return this.directory.recordInformationRequest(data.requestId, {
          businessId: data.businessId,
          reviewId: data.reviewId,
          requestedBy: data.requestedBy,
          requestedAt: new Date(data.requestedAt),
          providedAt: new Date(data.providedAt),
          sharedFields: [...data.sharedFields],
        });
      }
      case events.InformationDeclined.type: {
        const data = event.data as InformationDeclined;
        return this.directory.recordInformationRequest(data.requestId, {
          businessId: data.businessId,
          reviewId: data.reviewId,
          requestedBy: data.requestedBy,
          requestedAt: new Date(data.requestedAt),
          declinedAt: new Date(data.declinedAt),
        });
      }
      case events.InformationRequestExpired.type: {
        const data = event.data as InformationRequestExpired;
        return this.directory.recordInformationRequest(data.requestId, {
          businessId: data.businessId,
          reviewId: data.reviewId,
          requestedBy: data.requestedBy,
          requestedAt: new Date(data.requestedAt),
          expiredAt: new Date(data.expiredAt),
        });
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
