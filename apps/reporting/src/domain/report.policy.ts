import type { Decision } from './decision.types';
import { refuse } from './decision.types';
import type { KnownInformationRequest, KnownReview } from './directory.types';
import type { Report, ReportReason } from './report.types';

/** R2: how long after publication a review may be reported as not based on a genuine experience. */
export const NOT_GENUINE_WINDOW_MONTHS = 12;

/**
 * R1: an information request unlocks a `not_genuine_experience` report when it
 * expired unanswered, was declined, or was answered with details the business
 * marked as not identifying anyone (its latest verdict counts).
 */
export function unlocksNotGenuineReport(request: Pick<KnownInformationRequest, 'outcome' | 'identification'>): boolean {
  if (request.outcome === 'expired' || request.outcome === 'declined') return true;
  return request.outcome === 'answered' && request.identification?.identified === false;
}

/** R2: the last instant a review published at `publishedAt` may be reported as not genuine (12 calendar months, UTC). */
export function notGenuineWindowClosesAt(publishedAt: Date): Date {
  const closes = new Date(publishedAt.getTime());
  closes.setUTCMonth(closes.getUTCMonth() + NOT_GENUINE_WINDOW_MONTHS);
  return closes;
}

/**
 * May this business report this review for this reason? Checked in the order
 * DESIGN.md 3.3 gives after authentication and validation: the review must be
 * one of this business's, then R1, R2, R4. R4 is also enforced by a unique
 * index, so concurrent reports can't both pass; this check gives the usual
 * case its clear answer. For `not_genuine_experience` the reviewer is asked
 * for documentation (R3) until `documentationExpiresAt`.
 */
export function decideReport(input: {
  businessId: string;
  reason: ReportReason;
  review: KnownReview | undefined;
  informationRequests: readonly KnownInformationRequest[];
  existing: Pick<Report, 'id'> | undefined;
  now: Date;
  documentationWindowMs: number;
}): Decision<{ documentationExpiresAt?: Date }> {
  const { review, businessId } = input;
  // Another business's review is "not found" for this business: existence is not leaked.
  if (!review || review.businessId !== businessId) return refuse(404, 'review_not_found', 'no review with this id is known for this business');
  if (input.reason === 'not_genuine_experience') {
    const unlocked = input.informationRequests.some((request) => request.businessId === businessId && unlocksNotGenuineReport(request));
    if (!unlocked) {
      return refuse(
        422,
        'information_request_required',
        'reporting a review as not based on a genuine experience needs an information request about it that expired unanswered, was declined, or whose answer you marked as not identifying the person',
      );
    }
    if (input.now.getTime() > notGenuineWindowClosesAt(review.publishedAt).getTime()) {
      return refuse(422, 'report_window_closed', `a review can be reported as not based on a genuine experience only within ${NOT_GENUINE_WINDOW_MONTHS} months of its publication`);
    }
  }
  if (input.existing) return refuse(409, 'already_reported', 'this business has already reported this review');
  if (input.reason !== 'not_genuine_experience') return { ok: true, value: {} };
  return { ok: true, value: { documentationExpiresAt: new Date(input.now.getTime() + input.documentationWindowMs) } };
}

/** R5: a report is decided once; a second decision is refused. */
export function decideDecision(report: Pick<Report, 'status'>): Decision<true> {
  if (report.status !== 'open') return refuse(409, 'already_decided', `this report was already decided: ${report.status}`);
  return { ok: true, value: true };
}
