import { z } from 'zod';
import { event, id, isoDateTime, languageTag, topic } from '../topic';

/** A review of a business was published. */
export const reviewPublishedSchema = z.object({
  reviewId: id(),
  businessId: id(),
  reviewerId: id(),
  /** Star rating; 1–2 count as negative for the fairness monitor (R6). */
  rating: z.number().int().min(1).max(5),
  /** `invited`: written after an invitation sent by the platform; such reviews can't get information requests (I2). */
  source: z.enum(['organic', 'invited']),
  language: languageTag(),
  publishedAt: isoDateTime(),
});

export const upstreamReviewsTopic = topic('upstream.reviews.v1', 'reviewId', {
  ReviewPublished: event('ReviewPublished', reviewPublishedSchema),
});

export type ReviewPublished = z.infer<typeof reviewPublishedSchema>;

/** A published review as the services that keep a copy store it: the event's facts, its date as a Date. */
export interface PublishedReview extends Omit<ReviewPublished, 'publishedAt'> {
  publishedAt: Date;
}

export function publishedReview({ reviewId, businessId, reviewerId, rating, source, language, publishedAt }: ReviewPublished): PublishedReview {
  return { reviewId, businessId, reviewerId, rating, source, language, publishedAt: new Date(publishedAt) };
}
