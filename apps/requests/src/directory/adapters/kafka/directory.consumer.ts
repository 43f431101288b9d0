import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  upstreamBusinessesTopic,
  upstreamConversationsTopic,
  upstreamReviewsTopic,
  type BusinessProfileUpdated,
  type ConversationDeleted,
  type ConversationInteraction,
  type Envelope,
  type ReviewPublished,
} from '@feedback/contracts';
import { OnTopic } from '@feedback/messaging';
import { DirectoryRepository } from '../mongo/directory.repository';

const versionOf = (event: Envelope) => ({ asOf: new Date(event.occurredAt), sourceEventId: event.id });

/** Keeps requests' copy of reviews and business profiles in step with upstream. */
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
    await this.directory.saveBusiness(
      {
        businessId: profile.businessId,
        name: profile.name,
        privacyPolicyUrl: profile.privacyPolicyUrl,
        referenceNumberLabel: profile.referenceNumberLabel,
        // Contact details stay with notifications: only ids and roles are kept here.
        users: profile.users.map((u) => ({ userId: u.userId, role: u.role })),
      },
      versionOf(event),
    );
  }

  @OnTopic(upstreamConversationsTopic)
  async onConversationEvent(@Payload() event: Envelope): Promise<void> {
    if (event.type === upstreamConversationsTopic.events.ConversationInteraction.type) {
      const interaction = event.data as ConversationInteraction;
      await this.directory.saveConversation(
        {
          conversationId: interaction.conversationId,
          businessId: interaction.businessId,
          userId: interaction.userId,
          representativeIds: interaction.representativeIds,
          lastInteractionAt: new Date(interaction.occurredAt),
        },
        versionOf(event),
      );
    } else if (event.type === upstreamConversationsTopic.events.ConversationDeleted.type) {
      const deleted = event.data as ConversationDeleted;
      await this.directory.markConversationDeleted(deleted.conversationId, new Date(deleted.deletedAt));
    }
  }
}
