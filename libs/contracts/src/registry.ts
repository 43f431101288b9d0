import type { TopicDefinition } from './topic';
import { deadLetterTopic } from './topic';
import { upstreamConversationsTopic } from './topics/upstream-conversations';
import { upstreamReviewsTopic } from './topics/upstream-reviews';
import { upstreamUsersTopic } from './topics/upstream-users';
import { upstreamBusinessesTopic } from './topics/upstream-businesses';
import { feedbackRequestsTopic } from './topics/feedback-requests';
import { infoRequestsTopic } from './topics/info-requests';
import { infoDisclosuresTopic } from './topics/info-disclosures';
import { reportsTopic } from './topics/reports';
import { notificationsTopic } from './topics/notifications';

/** Every topic the platform consumes or produces. */
export const allTopics: readonly TopicDefinition[] = [
  upstreamConversationsTopic,
  upstreamReviewsTopic,
  upstreamUsersTopic,
  upstreamBusinessesTopic,
  feedbackRequestsTopic,
  infoRequestsTopic,
  infoDisclosuresTopic,
  reportsTopic,
  notificationsTopic,
];

/** Topics (with their dead-letter topics) that a deployment creates up front. */
export function topicsToProvision(): { name: string; partitions: number }[] {
  return allTopics.flatMap((t) => [
    { name: t.name, partitions: t.partitions },
    { name: deadLetterTopic(t.name), partitions: 1 },
  ]);
}

export function findTopic(name: string): TopicDefinition | undefined {
  return allTopics.find((t) => t.name === name);
}
