import { feedbackCommentContext } from '@feedback/contracts';
import type { AnswerFacts, Erasure, FeedbackItem, FeedbackReader, FeedbackScope, StoredAnswer, SubmittedAnswer } from './feedback-answer.types';

/** Associated data bound to a sealed comment: it cannot be moved onto another answer. */
export function answerSealContext(requestId: string): string {
  // The same binding requests sealed it with, so the value can be stored as it came.
  return feedbackCommentContext(requestId);
}

export type AnswerWrite = { action: 'insert' } | { action: 'ignore'; reason: string } | { action: 'reject'; reason: string };

/**
 * Write-once (F6): the first answer of a request is kept as it arrived. A later
 * FeedbackSubmitted with the same facts and content is a replay: ignored. One
 * that contradicts the stored answer breaks the one-answer-per-request rule:
 * rejected, and the stored answer still does not change. An erased answer is
 * final (F12): with its content gone only the facts can be compared, and
 * nothing, not even an exact replay, brings the content back.
 *
 * `stored.comment` is the stored comment opened (undefined if there was none).
 */
export function decideAnswerWrite(incoming: SubmittedAnswer, stored: (AnswerFacts & { score?: number; option?: string; comment?: string; erased?: Erasure }) | undefined): AnswerWrite {
  if (!stored) return { action: 'insert' };
  const differing = differingFacts(incoming, stored);
  if (differing.length > 0) return { action: 'reject', reason: `conflicts with the stored answer to request ${incoming.requestId} (${differing.join(', ')} differ); the first one is kept` };
  if (stored.erased) return { action: 'ignore', reason: 'the answer was erased; an erasure is final' };
  const content = (['score', 'option', 'comment'] as const).filter((field) => incoming[field] !== stored[field]);
  if (content.length > 0) return { action: 'reject', reason: `a second, different answer to request ${incoming.requestId} (${content.join(', ')} differ); answers are never replaced, the first one is kept` };
  return { action: 'ignore', reason: 'replay of the stored answer' };
}

function differingFacts(a: AnswerFacts, b: AnswerFacts): string[] {
  const differing: string[] = (['businessId', 'conversationId', 'userId', 'surveyType', 'test'] as const).filter((k) => a[k] !== b[k]);
  if (a.requestedAt.getTime() !== b.requestedAt.getTime()) differing.push('requestedAt');
  if (a.submittedAt.getTime() !== b.submittedAt.getTime()) differing.push('submittedAt');
  if (!sameSet(a.representativeIds, b.representativeIds)) differing.push('representativeIds');
  return differing;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}

/**
 * Which answers a reader of the business sees. Admins (latest business
 * profile) see them all; a processor the business appointed reads them all on
 * its behalf, read-only (F13); a member sees only answers about conversations
 * they took part in (F7).
 */
export function feedbackScope(reader: FeedbackReader): FeedbackScope {
  return reader.role === 'member' ? { kind: 'representative', userId: reader.userId } : { kind: 'whole-business' };
}

/** The same rule for one answer (the store query filters on `representativeIds` the same way). */
export function isVisibleIn(answer: Pick<StoredAnswer, 'representativeIds'>, scope: FeedbackScope): boolean {
  return scope.kind === 'whole-business' || answer.representativeIds.includes(scope.userId);
}

export type ErasureDecision = { outcome: 'not_found' } | { outcome: 'already_erased'; erasure: Erasure } | { outcome: 'erase'; erasure: Erasure };

/**
 * Erasing a received answer (F12). Another business's answer is answered
 * exactly like an unknown one. Erasing again is a no-op (a safe retry, no
 * second event): the first erasure stands.
 */
export function decideErasure(stored: Pick<StoredAnswer, 'businessId' | 'erased'> | undefined, businessId: string, request: Erasure): ErasureDecision {
  if (!stored || stored.businessId !== businessId) return { outcome: 'not_found' };
  if (stored.erased) return { outcome: 'already_erased', erasure: stored.erased };
  return { outcome: 'erase', erasure: { erasedAt: request.erasedAt, erasedBy: request.erasedBy } };
}

/** What is left of an answer once erased: its facts and the fact of the erasure, no content. */
export function tombstone<T extends StoredAnswer>(answer: T, erasure: Erasure): Omit<T, 'score' | 'option' | 'sealedComment'> & { erased: Erasure } {
  const { score: _score, option: _option, sealedComment: _comment, ...facts } = answer;
  return { ...facts, erased: erasure };
}

/** A stored comment that cannot be decrypted (its key is no longer in the ring). */
export const COMMENT_UNAVAILABLE = Object.freeze({ unavailable: true as const });

/**
 * The answer as a business reader gets it. Never the person's id (F8): the
 * business knows its own conversations. A tombstone shows no content even if
 * some were (wrongly) still there. A comment that exists but cannot be opened
 * (COMMENT_UNAVAILABLE: its key left the ring) is flagged instead of silently missing.
 */
export function feedbackItem(answer: StoredAnswer, comment: string | typeof COMMENT_UNAVAILABLE | undefined): FeedbackItem {
  const item: FeedbackItem = {
    requestId: answer.requestId,
    conversationId: answer.conversationId,
    representativeIds: [...answer.representativeIds],
    surveyType: answer.surveyType,
    requestedAt: answer.requestedAt,
    submittedAt: answer.submittedAt,
    test: answer.test,
  };
  if (answer.erased) return { ...item, erased: { erasedAt: answer.erased.erasedAt, erasedBy: answer.erased.erasedBy } };
  return {
    ...item,
    ...(answer.score !== undefined ? { score: answer.score } : {}),
    ...(answer.option !== undefined ? { option: answer.option } : {}),
    ...(comment === COMMENT_UNAVAILABLE ? { commentUnavailable: true as const } : typeof comment === 'string' ? { comment } : {}),
  };
}
