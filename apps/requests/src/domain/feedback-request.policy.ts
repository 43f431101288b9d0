import type { Survey } from '@feedback/contracts';
import type { FeedbackAnswer, FeedbackRequest, KnownConversation, RecipientLimits, RecipientSend } from './feedback-request.types';
import type { Decision, Refusal } from './information-request.policy';

const DAY_MS = 86_400_000;
export const MAX_COMMENT_LENGTH = 2000;

const refuse = (status: number, code: string, message: string): { ok: false; refusal: Refusal } => ({ ok: false, refusal: { status, code, message } });

/** Sends of the last 24 h that still count against a person's limits. */
export function recentSends(sends: readonly RecipientSend[], now: Date): RecipientSend[] {
  return sends.filter((send) => now.getTime() - send.at.getTime() < DAY_MS);
}

/**
 * May this business ask this person for feedback about this conversation?
 * Checked in the order DESIGN.md 3.3 gives: F1, F3, F11, F14.
 */
export function decideFeedbackRequest(input: {
  businessId: string;
  userId: string;
  conversation: KnownConversation | undefined;
  existing: FeedbackRequest | undefined;
  privacyPolicyUrl: string | undefined;
  sends: readonly RecipientSend[];
  limits: RecipientLimits;
  now: Date;
  windowMs: number;
}): Decision<{ expiresAt: Date }> {
  const { conversation } = input;
  // F1: a direct interaction between this business and this very person must be known.
  if (!conversation || conversation.businessId !== input.businessId || conversation.userId !== input.userId) {
    return refuse(422, 'no_prior_interaction', 'no private conversation between this business and this person is known');
  }
  if (input.existing) return refuse(409, 'already_requested', 'feedback was already requested for this conversation');
  if (!input.privacyPolicyUrl) {
    return refuse(422, 'privacy_policy_missing', 'the business has no privacy policy URL in its profile, so it cannot send requests');
  }
  const recent = recentSends(input.sends, input.now);
  if (recent.filter((send) => send.businessId === input.businessId).length >= input.limits.perBusiness) {
    return refuse(429, 'recipient_rate_limited', `this person was already asked for feedback by this business in the last 24 hours`);
  }
  if (recent.length >= input.limits.platform) {
    return refuse(429, 'recipient_rate_limited', `this person was already asked for feedback ${recent.length} times in the last 24 hours`);
  }
  return { ok: true, value: { expiresAt: new Date(input.now.getTime() + input.windowMs) } };
}

/** The options a person can pick from (F4). */
export function surveyOptions(survey: Survey): string[] {
  if (survey.type === 'csat') return ['1', '2', '3', '4', '5'];
  if (survey.type === 'nps') return Array.from({ length: 11 }, (_, i) => String(i));
  return [...survey.options];
}

export type AnswerErrors = Partial<Record<'score' | 'option' | 'comment', string>>;

/** Checks one answer against the survey: exactly one option, a comment of at most 2,000 characters (F4). */
export function validateAnswer(survey: Survey, answer: FeedbackAnswer): Decision<FeedbackAnswer> & { errors?: AnswerErrors } {
  const errors: AnswerErrors = {};
  const value: FeedbackAnswer = {};
  if (survey.type === 'custom') {
    if (answer.score !== undefined) errors.score = 'not_for_survey';
    if (answer.option === undefined || answer.option === '') errors.option = 'required';
    else if (!survey.options.includes(answer.option)) errors.option = 'not_an_option';
    else value.option = answer.option;
  } else {
    const [min, max] = survey.type === 'csat' ? [1, 5] : [0, 10];
    if (answer.option !== undefined) errors.option = 'not_for_survey';
    if (answer.score === undefined) errors.score = 'required';
    else if (!Number.isInteger(answer.score) || answer.score < min || answer.score > max) errors.score = 'out_of_range';
    else value.score = answer.score;
  }
  if (answer.comment !== undefined) {
    const comment = answer.comment.trim();
    if (comment.length > MAX_COMMENT_LENGTH) errors.comment = 'too_long';
    else if (comment) value.comment = comment;
  }
  if (Object.keys(errors).length > 0) {
    const message = Object.entries(errors).map(([field, problem]) => `${field}: ${problem!.replaceAll('_', ' ')}`).join('; ');
    return { ok: false, refusal: { status: 400, code: 'validation_failed', message }, errors };
  }
  return { ok: true, value };
}
