import type { KnownReview } from './directory.types';
import { decideInformationRequest, decideResponse, isDueForExpiry, validateDisclosure } from './information-request.policy';
import type { InformationRequest } from './information-request.types';

const now = new Date('2026-11-21T10:00:00.000Z');
const HOURS_72 = 72 * 3_600_000;
const review = (overrides: Partial<KnownReview> = {}): KnownReview => ({
  reviewId: 'rev1',
  businessId: 'b1',
  reviewerId: 'u9',
  rating: 1,
  source: 'organic',
  language: 'en',
  publishedAt: new Date('2026-11-01T00:00:00.000Z'),
  ...overrides,
});
const request = (overrides: Partial<InformationRequest> = {}): InformationRequest => ({
  id: 'ir1',
  businessId: 'b1',
  reviewId: 'rev1',
  reviewerId: 'u9',
  requestedBy: 'bu1',
  status: 'pending',
  requestedAt: now,
  expiresAt: new Date(now.getTime() + HOURS_72),
  ...overrides,
});

describe('decideInformationRequest', () => {
  const decide = (r: KnownReview | undefined, existing?: InformationRequest) =>
    decideInformationRequest({ businessId: 'b1', review: r, existing, now, windowMs: HOURS_72 });

  it('lets the reviewed business ask, with a 72-hour deadline (I1, I5)', () => {
    expect(decide(review())).toEqual({ ok: true, value: { expiresAt: new Date('2026-11-24T10:00:00.000Z') } });
  });
  it('has no age limit on the review (I1)', () => {
    expect(decide(review({ publishedAt: new Date('2015-01-01T00:00:00.000Z') })).ok).toBe(true);
  });
  it('treats an unknown review, or another business\'s review, as not found', () => {
    expect(decide(undefined)).toMatchObject({ ok: false, refusal: { status: 404, code: 'review_not_found' } });
    expect(decide(review({ businessId: 'b2' }))).toMatchObject({ ok: false, refusal: { status: 404, code: 'review_not_found' } });
  });
  it('allows one request per review (I1)', () => {
    expect(decide(review(), request())).toMatchObject({ ok: false, refusal: { status: 409, code: 'already_requested' } });
  });
  it('refuses reviews written after a platform invitation (I2)', () => {
    expect(decide(review({ source: 'invited' }))).toMatchObject({ ok: false, refusal: { status: 422, code: 'invited_review' } });
  });
});

describe('decideResponse', () => {
  it('accepts an answer while pending and in time', () => {
    expect(decideResponse(request(), now).ok).toBe(true);
  });
  it('accepts only one answer', () => {
    expect(decideResponse(request({ status: 'answered' }), now)).toMatchObject({ ok: false, refusal: { status: 409, code: 'already_answered' } });
    expect(decideResponse(request({ status: 'declined' }), now)).toMatchObject({ ok: false, refusal: { status: 409, code: 'already_answered' } });
  });
  it('refuses after the deadline even before the expiry job ran (I5)', () => {
    const late = new Date(now.getTime() + HOURS_72);
    expect(decideResponse(request(), late)).toMatchObject({ ok: false, refusal: { status: 410, code: 'expired' } });
    expect(decideResponse(request({ status: 'expired' }), now)).toMatchObject({ ok: false, refusal: { status: 410 } });
  });
});

describe('isDueForExpiry', () => {
  it('expires pending requests past their deadline only', () => {
    const at = new Date(now.getTime() + HOURS_72);
    expect(isDueForExpiry(request(), at)).toBe(true);
    expect(isDueForExpiry(request(), now)).toBe(false);
    expect(isDueForExpiry(request({ status: 'answered' }), at)).toBe(false);
  });
});

describe('validateDisclosure', () => {
  it('keeps each chosen field, trimmed', () => {
    expect(validateDisclosure({ email: ' ann@example.com ', referenceNumber: 'A-123' })).toEqual({
      ok: true,
      value: { email: 'ann@example.com', referenceNumber: 'A-123' },
    });
  });
  it('needs at least one field (declining is separate)', () => {
    expect(validateDisclosure({})).toMatchObject({ ok: false, errors: { form: 'nothing_shared' } });
  });
  it('names each bad field', () => {
    const result = validateDisclosure({ email: 'nope', phone: 'call me', fullName: '  ' });
    expect(result).toMatchObject({ ok: false, errors: { email: 'invalid_email', phone: 'invalid_phone', fullName: 'required' } });
    expect(result.ok ? '' : result.refusal.message).toMatch(/email is not an email address/);
  });
  it('accepts international phone numbers', () => {
    expect(validateDisclosure({ phone: '+45 12 34 56 78' }).ok).toBe(true);
    expect(validateDisclosure({ phone: '(020) 555-0100' }).ok).toBe(true);
  });
});
