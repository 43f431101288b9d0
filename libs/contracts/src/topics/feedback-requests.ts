import { z } from 'zod';
import { event, id, isoDateTime, topic } from '../topic';
import { sealedValueSchema } from './info-disclosures';

/** The survey a feedback request asks (F4). */
export const surveySchema = z.discriminatedUnion('type', [
  /** Options 1–5. */
  z.object({ type: z.literal('csat') }),
  /** Options 0–10. */
  z.object({ type: z.literal('nps') }),
  /** 2–10 labelled options defined by the business. */
  z.object({ type: z.literal('custom'), options: z.array(z.string().min(1).max(100)).min(2).max(10) }),
]);

const requestRef = {
  requestId: id(),
  businessId: id(),
  /** `test: true` requests flow end to end but never count in analytics (F15). */
  test: z.boolean().default(false),
};

export const feedbackRequestedSchema = z.object({
  ...requestRef,
  conversationId: id(),
  /** The person asked; used to address the email. */
  userId: id(),
  /** Business user who sent the request. */
  requestedBy: id(),
  survey: surveySchema,
  requestedAt: isoDateTime(),
  expiresAt: isoDateTime(),
});

export const feedbackSubmittedSchema = z.object({
  ...requestRef,
  conversationId: id(),
  userId: id(),
  /** Representatives of the conversation: they may read the answer (F7). */
  representativeIds: z.array(id()).max(100).default([]),
  surveyType: z.enum(['csat', 'nps', 'custom']),
  /** csat 1–5 or nps 0–10. */
  score: z.number().int().min(0).max(10).optional(),
  /** The chosen label of a custom survey. */
  option: z.string().min(1).max(100).optional(),
  /**
   * The optional comment (free text, personal data), sealed with the platform key
   * ring and bound to the request (`feedbackCommentContext`): only feedback-store opens it.
   */
  sealedComment: sealedValueSchema.optional(),
  requestedAt: isoDateTime(),
  submittedAt: isoDateTime(),
});

export const feedbackDeclinedSchema = z.object({ ...requestRef, requestedAt: isoDateTime(), declinedAt: isoDateTime() });
export const feedbackRequestExpiredSchema = z.object({ ...requestRef, requestedAt: isoDateTime(), expiredAt: isoDateTime() });

/** The business erased a received answer (F12); the tombstone keeps the fact, not the content. */
export const feedbackErasedSchema = z.object({ requestId: id(), businessId: id(), erasedBy: id(), erasedAt: isoDateTime() });

export const feedbackRequestsTopic = topic('feedback.requests.v1', 'requestId', {
  FeedbackRequested: event('FeedbackRequested', feedbackRequestedSchema),
  FeedbackSubmitted: event('FeedbackSubmitted', feedbackSubmittedSchema),
  FeedbackDeclined: event('FeedbackDeclined', feedbackDeclinedSchema),
  FeedbackRequestExpired: event('FeedbackRequestExpired', feedbackRequestExpiredSchema),
  FeedbackErased: event('FeedbackErased', feedbackErasedSchema),
});

export type Survey = z.infer<typeof surveySchema>;
export type FeedbackRequested = z.infer<typeof feedbackRequestedSchema>;
export type FeedbackSubmitted = z.infer<typeof feedbackSubmittedSchema>;
export type FeedbackDeclined = z.infer<typeof feedbackDeclinedSchema>;
export type FeedbackRequestExpired = z.infer<typeof feedbackRequestExpiredSchema>;
export type FeedbackErased = z.infer<typeof feedbackErasedSchema>;

/** Associated data of a sealed comment: it can't be moved onto another answer. */
export function feedbackCommentContext(requestId: string): string {
  return `feedback-answer:${requestId}`;
}
