import { feedbackCommentContext } from '@feedback/contracts';
import { loadConfig, serviceEnvSchema } from '@feedback/config';
import { KeyRing } from '@feedback/pii';

/** The stack's key ring (the dev keys): comments are sealed as the requests service seals them. */
export const keyRing = new KeyRing(loadConfig(serviceEnvSchema(1, {}), {}).PII_ENCRYPTION_KEYS);

/** The data of a FeedbackSubmitted as requests publishes it: the `i`-th answer of a stream, with a sealed comment. */
export function answerData(requestId: string, businessId: string, i: number, options: { person: string; requestedAt: string; survey?: 'csat' | 'nps' }) {
  const survey = options.survey ?? 'csat';
  return {
    requestId,
    businessId,
    test: false,
    conversationId: `conv-${requestId}`,
    userId: options.person,
    representativeIds: [],
    surveyType: survey,
    score: survey === 'csat' ? (i % 5) + 1 : i % 11,
    sealedComment: keyRing.seal(`comment ${i}`, feedbackCommentContext(requestId)),
    requestedAt: options.requestedAt,
    submittedAt: new Date().toISOString(),
  };
}

/** The data of an InformationRequested (answerable for 72 h): one email to the reviewer. */
export function informationRequestedData(requestId: string, business: { businessId: string; admin: { userId: string } }, reviewerId: string, requestedAt = new Date()) {
  return {
    requestId,
    businessId: business.businessId,
    reviewId: `rev-${requestId}`,
    reviewerId,
    requestedBy: business.admin.userId,
    requestedAt: requestedAt.toISOString(),
    expiresAt: new Date(requestedAt.getTime() + 72 * 3_600_000).toISOString(),
  };
}

/** The data of a FeedbackRequested (answerable for 7 days) of a csat survey: one email to the person asked. */
export function feedbackRequestedData(requestId: string, business: { businessId: string; admin: { userId: string } }, userId: string, requestedAt = new Date()) {
  return {
    requestId,
    businessId: business.businessId,
    test: false,
    conversationId: `conv-${requestId}`,
    userId,
    requestedBy: business.admin.userId,
    survey: { type: 'csat' },
    requestedAt: requestedAt.toISOString(),
    expiresAt: new Date(requestedAt.getTime() + 7 * 86_400_000).toISOString(),
  };
}
