import type { Sealed } from '@feedback/pii';

export type SurveyType = 'csat' | 'nps' | 'custom';

/** The facts of an answer: what it is about and when. They never change, and outlive an erasure. */
export interface AnswerFacts {
  /** The feedback request answered: one answer per request (F6). */
  requestId: string;
  businessId: string;
  /** `test: true` answers flow end to end but never count in analytics (F15). */
  test: boolean;
  conversationId: string;
  /**
   * The person who answered. Kept only to find their data on a data-subject
   * request; never returned to the business or a processor (F8).
   */
  userId: string;
  /** Business users who took part in the conversation: they may see the answer (F7). */
  representativeIds: string[];
  surveyType: SurveyType;
  requestedAt: Date;
  submittedAt: Date;
}

/** The answer's content: what the person said. Removed by an erasure (F12). */
export interface AnswerContent {
  /** csat 1–5 or nps 0–10. */
  score?: number;
  /** The chosen label of a custom survey. */
  option?: string;
  /** Personal free text (max 2,000 characters). */
  comment?: string;
}

/** An answer as FeedbackSubmitted carries it, the comment in clear. */
export type SubmittedAnswer = AnswerFacts & AnswerContent;

/** The fact of an erasure: kept on the tombstone, and emitted as FeedbackErased. */
export interface Erasure {
  erasedAt: Date;
  /** The business admin who erased it. */
  erasedBy: string;
}

/**
 * An answer at rest: the comment sealed (context `feedback-answer:<requestId>`).
 * Once erased it is a tombstone: no score, option or comment, `erased` set.
 */
export interface StoredAnswer extends AnswerFacts {
  score?: number;
  option?: string;
  sealedComment?: Sealed;
  erased?: Erasure;
}

/** Who is reading a business's answers, as the latest business profile (or a processor credential) says. */
export interface FeedbackReader {
  role: 'admin' | 'member' | 'processor';
  userId: string;
}

/** Which answers of the business a reader sees (F7, F13). */
export type FeedbackScope = { kind: 'whole-business' } | { kind: 'representative'; userId: string };

/** One answer as the business reads it: no person id (F8); a tombstone has no content. */
export interface FeedbackItem {
  requestId: string;
  conversationId: string;
  representativeIds: string[];
  surveyType: SurveyType;
  score?: number;
  option?: string;
  comment?: string;
  /** The answer has a comment that cannot be decrypted (its key is no longer in the ring): shown without it. */
  commentUnavailable?: true;
  requestedAt: Date;
  submittedAt: Date;
  test: boolean;
  erased?: Erasure;
}
