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
export function topicsToProvision(): { name: string; partitions: number; config?: Record<string, string> }[] {
  // A dead-letter topic keeps the original bytes, so it inherits the topic's retention.
  const withConfig = (name: string, partitions: number, config?: Readonly<Record<string, string>>) =>
    config ? { name, partitions, config: { ...config } } : { name, partitions };
  return allTopics.flatMap((t) => [withConfig(t.name, t.partitions, t.config), withConfig(deadLetterTopic(t.name), 1, t.config)]);
}

export function findTopic(name: string): TopicDefinition | undefined {
  return allTopics.find((t) => t.name === name);
}
