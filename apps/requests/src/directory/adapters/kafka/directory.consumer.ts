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
  publishedReview,
  type ReviewPublished,
} from '@feedback/contracts';
import { OnTopic, OnTopicBatch } from '@feedback/messaging';
import { eventVersion } from '@feedback/persistence';
import { DirectoryRepository } from '../mongo/directory.repository';

const { ConversationInteraction: INTERACTION_EVENT, ConversationDeleted: DELETED_EVENT } = upstreamConversationsTopic.events;
const INTERACTION = INTERACTION_EVENT.type;
const DELETED = DELETED_EVENT.type;
const REVIEW_PUBLISHED = upstreamReviewsTopic.events.ReviewPublished.type;

/** Keeps requests' copy of reviews, conversations (F1) and business profiles in step with upstream. */
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
    await this.directory.saveBusiness(
      {
        businessId: profile.businessId,
        name: profile.name,
        privacyPolicyUrl: profile.privacyPolicyUrl,
        referenceNumberLabel: profile.referenceNumberLabel,
        // Contact details stay with notifications: only ids and roles are kept here.
        users: profile.users.map((u) => ({ userId: u.userId, role: u.role })),
      },
      eventVersion(event),
    );
  }

  /**
   * Every private conversation's interactions arrive here, the busiest upstream
   * topic. A batch is written in runs of consecutive events of one type, in
   * order, so a deletion is applied after the interactions that came before it,
   * as one event at a time would. Both writes are idempotent on their own
   * (newest version wins; a deletion sets its date).
   */
  @OnTopicBatch(upstreamConversationsTopic, { types: [INTERACTION, DELETED] })
  async onConversationEvents(@Payload() events: Envelope[]): Promise<void> {
    for (const run of runsOfSameType(events)) {
      if (run[0]!.type === INTERACTION) {
        await this.directory.saveConversations(
          run.map((event) => {
            const interaction = event.data as ConversationInteraction;
            const { conversationId, businessId, userId, representativeIds } = interaction;
            return { value: { conversationId, businessId, userId, representativeIds, lastInteractionAt: new Date(interaction.occurredAt) }, version: eventVersion(event) };
          }),
        );
      } else {
        await this.directory.markConversationsDeleted(
          run.map((event) => {
            const deleted = event.data as ConversationDeleted;
            return { conversationId: deleted.conversationId, deletedAt: new Date(deleted.deletedAt) };
          }),
        );
      }
    }
  }
}

/** Consecutive events of the same type, in their order. */
function runsOfSameType(events: readonly Envelope[]): Envelope[][] {
  const runs: Envelope[][] = [];
  for (const event of events) {
    const last = runs[runs.length - 1];
    if (last && last[0]!.type === event.type) last.push(event);
    else runs.push([event]);
  }
  return runs;
}
