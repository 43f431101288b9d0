import type { KnownInformationRequest, KnownReview } from './directory.types';
import { decideDecision, decideReport, notGenuineWindowClosesAt, unlocksNotGenuineReport } from './report.policy';
import type { ReportReason } from './report.types';

const now = new Date('2026-11-21T10:00:00.000Z');
const WEEK = 7 * 86_400_000;
const review = (overrides: Partial<KnownReview> = {}): KnownReview => ({
  reviewId: 'rev1',
  businessId: 'b1',
  reviewerId: 'u9',
  rating: 1,
  source: 'organic',
  language: 'en',
  publishedAt: new Date('2026-10-01T00:00:00.000Z'),
  ...overrides,
});
const request = (overrides: Partial<KnownInformationRequest> = {}): KnownInformationRequest => ({
  requestId: 'ir1',
  businessId: 'b1',
  reviewId: 'rev1',
  outcome: 'expired',
  ...overrides,
});
const decide = (reason: ReportReason, overrides: Partial<Parameters<typeof decideReport>[0]> = {}) =>
  decideReport({ businessId: 'b1', reason, review: review(), informationRequests: [request()], existing: undefined, now, documentationWindowMs: WEEK, ...overrides });

describe('unlocksNotGenuineReport (R1)', () => {
  it('is unlocked by an expired or declined request, or an answer marked "could not identify"', () => {
    expect(unlocksNotGenuineReport({ outcome: 'expired' })).toBe(true);
    expect(unlocksNotGenuineReport({ outcome: 'declined' })).toBe(true);
    expect(unlocksNotGenuineReport({ outcome: 'answered', identification: { identified: false, recordedAt: now } })).toBe(true);
  });
  it('is not unlocked by a pending request, an answer not judged yet, or one that identified the person', () => {
    expect(unlocksNotGenuineReport({ outcome: 'pending' })).toBe(false);
    expect(unlocksNotGenuineReport({ outcome: 'answered' })).toBe(false);
    expect(unlocksNotGenuineReport({ outcome: 'answered', identification: { identified: true, recordedAt: now } })).toBe(false);
  });
});

describe('decideReport', () => {
  it('accepts a not-genuine report after an unanswered request, with a documentation deadline (R1, R3)', () => {
    expect(decide('not_genuine_experience')).toEqual({ ok: true, value: { documentationExpiresAt: new Date('2026-11-28T10:00:00.000Z') } });
  });

  it('needs an information request that unlocks it (R1)', () => {
    expect(decide('not_genuine_experience', { informationRequests: [] })).toMatchObject({ ok: false, refusal: { status: 422, code: 'information_request_required' } });
    expect(decide('not_genuine_experience', { informationRequests: [request({ outcome: 'pending' })] })).toMatchObject({ refusal: { code: 'information_request_required' } });
    expect(decide('not_genuine_experience', { informationRequests: [request({ outcome: 'answered', identification: { identified: true, recordedAt: now } })] })).toMatchObject({
      refusal: { code: 'information_request_required' },
    });
    // Another business's request about the review does not count.
    expect(decide('not_genuine_experience', { informationRequests: [request({ businessId: 'b2' })] })).toMatchObject({ refusal: { code: 'information_request_required' } });
    expect(decide('not_genuine_experience', { informationRequests: [request({ outcome: 'pending' }), request({ requestId: 'ir2', outcome: 'declined' })] }).ok).toBe(true);
  });

  it('must come within 12 months of publication (R2)', () => {
    const published = new Date('2025-11-21T10:00:00.000Z');
    expect(decide('not_genuine_experience', { review: review({ publishedAt: published }) }).ok).toBe(true);
    expect(decide('not_genuine_experience', { review: review({ publishedAt: new Date(published.getTime() - 1) }) })).toMatchObject({
      ok: false,
      refusal: { status: 422, code: 'report_window_closed' },
    });
    expect(decide('not_genuine_experience', { review: review({ publishedAt: new Date('2015-01-01T00:00:00.000Z') }) })).toMatchObject({ refusal: { code: 'report_window_closed' } });
  });

  it.each(['spam', 'harmful', 'conflict_of_interest', 'other'] as const)('has no prerequisites for %s, at any age, and asks no documentation', (reason) => {
    expect(decide(reason, { informationRequests: [], review: review({ publishedAt: new Date('2015-01-01T00:00:00.000Z') }) })).toEqual({ ok: true, value: {} });
  });

  it('allows one report per review per business (R4)', () => {
    expect(decide('spam', { existing: { id: 'r1' } })).toMatchObject({ ok: false, refusal: { status: 409, code: 'already_reported' } });
  });

  it('treats an unknown review, or another business\'s review, as not found', () => {
    expect(decide('spam', { review: undefined })).toMatchObject({ refusal: { status: 404, code: 'review_not_found' } });
    expect(decide('spam', { review: review({ businessId: 'b2' }) })).toMatchObject({ refusal: { status: 404, code: 'review_not_found' } });
  });

  it('checks in the contract order: R1, R2, R4', () => {
    const everythingWrong = { informationRequests: [], review: review({ publishedAt: new Date('2015-01-01T00:00:00.000Z') }), existing: { id: 'r1' } };
    expect(decide('not_genuine_experience', everythingWrong)).toMatchObject({ refusal: { code: 'information_request_required' } });
    expect(decide('not_genuine_experience', { ...everythingWrong, informationRequests: [request()] })).toMatchObject({ refusal: { code: 'report_window_closed' } });
    expect(decide('not_genuine_experience', { ...everythingWrong, informationRequests: [request()], review: review() })).toMatchObject({ refusal: { code: 'already_reported' } });
  });
});

describe('notGenuineWindowClosesAt', () => {
  it('is 12 calendar months after publication, in UTC', () => {
    expect(notGenuineWindowClosesAt(new Date('2026-01-31T08:00:00.000Z'))).toEqual(new Date('2027-01-31T08:00:00.000Z'));
    expect(notGenuineWindowClosesAt(new Date('2024-02-29T00:00:00.000Z'))).toEqual(new Date('2025-03-01T00:00:00.000Z'));
  });
});

describe('decideDecision (R5)', () => {
  it('decides an open report once', () => {
    expect(decideDecision({ status: 'open' }).ok).toBe(true);
    expect(decideDecision({ status: 'removed' })).toMatchObject({ ok: false, refusal: { status: 409, code: 'already_decided' } });
    expect(decideDecision({ status: 'kept' })).toMatchObject({ ok: false, refusal: { status: 409, code: 'already_decided' } });
  });
});
