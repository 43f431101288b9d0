import { randomUUID } from 'node:crypto';
import {
  envelope,
  eventually,
  inbox,
  publish,
  publishBusiness,
  publishReview,
  publishUser,
  readAll,
  serviceUrl,
  token,
  type BusinessFixture,
} from './support';

// reporting: review reports and their rules (DESIGN.md R1, R2, R4, R5, R7), the
// integrity team's decisions, and the order of checks of section 3.3. Reporting
// learns reviews and information-request outcomes from the broker only.

const api = () => serviceUrl('reporting');
const MONTH = 30 * 86_400_000;

type Outcome = 'pending' | 'expired' | 'declined' | 'identified' | 'unidentified' | 'answered';

async function call(method: string, path: string, bearer?: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${api()}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const reportPath = (businessId: string, reviewId: string) => `/v1/businesses/${businessId}/reviews/${reviewId}/reports`;

/** Reports as soon as reporting has consumed the review (404 `review_not_found` until then). */
function reportWhenKnown(businessId: string, reviewId: string, bearer: string, body: Record<string, unknown>) {
  return eventually(`reporting to know review ${reviewId}`, async () => {
    const result = await call('POST', reportPath(businessId, reviewId), bearer, body);
    return result.status === 404 ? undefined : result;
  });
}

/** Retries until the answer is `status` (events still on their way) and returns it. */
function reportUntil(status: number, businessId: string, reviewId: string, bearer: string, body: Record<string, unknown>) {
  return eventually(`a ${status} for review ${reviewId}`, async () => {
    const result = await call('POST', reportPath(businessId, reviewId), bearer, body);
    return result.status === status ? result : undefined;
  });
}

/**
 * The information-request history of a review, published on info.requests.v1
 * as requests (and feedback-store, for the identification verdict) would.
 */
async function publishInformationRequest(businessId: string, reviewId: string, reviewerId: string, requestedBy: string, outcome: Outcome): Promise<string> {
  const requestId = `ir-${randomUUID()}`;
  const requestedAt = new Date(Date.now() - 5 * 86_400_000);
  const expiresAt = new Date(requestedAt.getTime() + 72 * 3_600_000);
  const ref = { requestId, businessId, reviewId };
  const asRequests = { source: 'requests' };
  const events = [envelope('InformationRequested', { ...ref, reviewerId, requestedBy, requestedAt: requestedAt.toISOString(), expiresAt: expiresAt.toISOString() }, asRequests)];
  const answered = () =>
    envelope('InformationProvided', { ...ref, requestedBy, sharedFields: ['email'], requestedAt: requestedAt.toISOString(), providedAt: new Date(requestedAt.getTime() + 3_600_000).toISOString() }, asRequests);
  const verdict = (identified: boolean, at = new Date()) =>
    envelope('IdentificationRecorded', { ...ref, identified, recordedBy: requestedBy, recordedAt: at.toISOString() }, { source: 'feedback-store' });
  if (outcome === 'expired') events.push(envelope('InformationRequestExpired', { ...ref, requestedBy, requestedAt: requestedAt.toISOString(), expiredAt: expiresAt.toISOString() }, asRequests));
  if (outcome === 'declined') events.push(envelope('InformationDeclined', { ...ref, requestedBy, requestedAt: requestedAt.toISOString(), declinedAt: new Date(requestedAt.getTime() + 60_000).toISOString() }, asRequests));
  if (outcome === 'answered' || outcome === 'identified' || outcome === 'unidentified') events.push(answered());
  if (outcome === 'identified') events.push(verdict(true));
  if (outcome === 'unidentified') events.push(verdict(false));
  await publish('info.requests.v1', events.map((event) => ({ key: requestId, value: JSON.stringify(event) })));
  return requestId;
}

async function publishVerdict(businessId: string, reviewId: string, requestId: string, identified: boolean, recordedAt: Date): Promise<void> {
  const event = envelope('IdentificationRecorded', { requestId, businessId, reviewId, identified, recordedBy: 'someone', recordedAt: recordedAt.toISOString() }, { source: 'feedback-store' });
  await publish('info.requests.v1', [{ key: requestId, value: JSON.stringify(event) }]);
}

describe('review reports (R1–R5, R7)', () => {
  let business: BusinessFixture;
  let reviewer: { userId: string; email: string };
  let asAdmin: string;
  let asMember: string;

  beforeAll(async () => {
    business = await publishBusiness({ name: 'Hotel Zonneschijn', adminLanguage: 'fr-BE' });
    reviewer = await publishUser('en');
    asAdmin = token('business', { sub: business.admin.userId, businessId: business.businessId });
    asMember = token('business', { sub: business.member.userId, businessId: business.businessId });
  });

  describe('order of checks: 401, 403, 400, then the rules', () => {
    let reviewId: string;
    beforeAll(async () => {
      reviewId = await publishReview(business.businessId, reviewer.userId, { rating: 1 });
    });

    it('refuses a missing, malformed or expired token with 401', async () => {
      for (const bearer of [undefined, 'not-a-jwt', token('business', { businessId: business.businessId }, -10)]) {
        const result = await call('POST', reportPath(business.businessId, reviewId), bearer, { reason: 'spam' });
        expect(result).toMatchObject({ status: 401, body: { statusCode: 401, error: 'unauthorized' } });
      }
      expect((await call('GET', '/v1/integrity/reports')).status).toBe(401);
      expect((await call('GET', `/v1/businesses/${business.businessId}/reports`)).status).toBe(401);
    });

    it('refuses another business, another role and read-only processors with 403, before looking at the body', async () => {
      const other = await publishBusiness();
      const asOther = token('business', { sub: other.admin.userId, businessId: other.businessId });
      for (const bearer of [asOther, token('analyst'), token('integrity'), token('processor', { businessId: business.businessId })]) {
        const result = await call('POST', reportPath(business.businessId, reviewId), bearer, { reason: 'not-a-reason', extra: true });
        expect(result).toMatchObject({ status: 403, body: { error: 'forbidden' } });
      }
      expect((await call('GET', `/v1/businesses/${business.businessId}/reports`, asOther)).status).toBe(403);
      for (const bearer of [asAdmin, token('analyst'), token('processor', { businessId: business.businessId })]) {
        expect((await call('GET', '/v1/integrity/reports', bearer)).status).toBe(403);
        expect((await call('GET', '/v1/integrity/flags', bearer)).status).toBe(403);
        expect((await call('POST', `/v1/integrity/reports/${randomUUID()}/decision`, bearer, { decision: 'kept' })).status).toBe(403);
      }
    });

    it('validates the body (400 validation_failed with the failing fields) before R1', async () => {
      const bad = await call('POST', reportPath(business.businessId, reviewId), asAdmin, { reason: 'not-a-reason', details: 'x'.repeat(2001) });
      expect(bad).toMatchObject({ status: 400, body: { statusCode: 400, error: 'validation_failed' } });
      expect((bad.body.fields as { field: string }[]).map((f) => f.field).sort()).toEqual(['details', 'reason']);
      expect(await call('POST', reportPath(business.businessId, reviewId), asAdmin, { reason: 'spam', sneaky: 1 })).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(await call('POST', reportPath(business.businessId, reviewId), asAdmin, {})).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(await call('POST', reportPath(business.businessId, 'bad id!'), asAdmin, { reason: 'spam' })).toMatchObject({ status: 400 });
    });

    it('answers 404 review_not_found for a review this business does not have', async () => {
      expect(await call('POST', reportPath(business.businessId, `rev-${randomUUID()}`), asAdmin, { reason: 'spam' })).toMatchObject({ status: 404, body: { error: 'review_not_found' } });
      const other = await publishBusiness();
      const asOther = token('business', { sub: other.admin.userId, businessId: other.businessId });
      // Once reporting knows the review, another business still cannot find it.
      expect((await reportWhenKnown(business.businessId, reviewId, asAdmin, { reason: 'not_genuine_experience' })).status).toBe(422);
      expect(await call('POST', reportPath(other.businessId, reviewId), asOther, { reason: 'spam' })).toMatchObject({ status: 404, body: { error: 'review_not_found' } });
    });
  });

  describe('R1: not_genuine_experience needs an information request that unlocks it', () => {
    it('is refused without any information request, and other reasons need none (R2 too)', async () => {
      const reviewId = await publishReview(business.businessId, reviewer.userId, { rating: 2, publishedAt: new Date(Date.now() - 40 * MONTH).toISOString() });
      const refused = await reportWhenKnown(business.businessId, reviewId, asAdmin, { reason: 'not_genuine_experience' });
      expect(refused).toMatchObject({ status: 422, body: { statusCode: 422, error: 'information_request_required' } });
      for (const reason of ['spam', 'harmful', 'conflict_of_interest', 'other']) {
        const other = await publishReview(business.businessId, reviewer.userId, { rating: 1, publishedAt: '2016-04-01T09:00:00.000Z' });
        const created = await reportWhenKnown(business.businessId, other, asAdmin, { reason, details: 'Copied from a competitor site.' });
        expect(created).toMatchObject({ status: 201, body: { id: expect.any(String), status: 'open' } });
        expect(created.body.documentationDeadline).toBeUndefined();
      }
    });

    it('is refused while the request is pending, or answered and not judged, and accepted once it expires', async () => {
      const reviewId = await publishReview(business.businessId, reviewer.userId, { rating: 1 });
      const requestId = await publishInformationRequest(business.businessId, reviewId, reviewer.userId, business.admin.userId, 'pending');
      expect(await reportWhenKnown(business.businessId, reviewId, asAdmin, { reason: 'not_genuine_experience' })).toMatchObject({ status: 422, body: { error: 'information_request_required' } });
      const expiredAt = new Date().toISOString();
      await publish('info.requests.v1', [
        {
          key: requestId,
          value: JSON.stringify(envelope('InformationRequestExpired', { requestId, businessId: business.businessId, reviewId, requestedBy: business.admin.userId, requestedAt: expiredAt, expiredAt }, { source: 'requests' })),
        },
      ]);
      const created = await reportUntil(201, business.businessId, reviewId, asAdmin, { reason: 'not_genuine_experience' });
      expect(created.body).toMatchObject({ status: 'open', documentationDeadline: expect.any(String) });
    });

    it('is unlocked by a declined request', async () => {
      const reviewId = await publishReview(business.businessId, reviewer.userId, { rating: 1 });
      await publishInformationRequest(business.businessId, reviewId, reviewer.userId, business.admin.userId, 'declined');
      expect((await reportUntil(201, business.businessId, reviewId, asMember, { reason: 'not_genuine_experience' })).status).toBe(201);
    });

    it('follows the business\'s latest "could not identify" verdict on an answer', async () => {
      const reviewId = await publishReview(business.businessId, reviewer.userId, { rating: 2 });
      const requestId = await publishInformationRequest(business.businessId, reviewId, reviewer.userId, business.admin.userId, 'identified');
      expect(await reportWhenKnown(business.businessId, reviewId, asAdmin, { reason: 'not_genuine_experience' })).toMatchObject({ status: 422, body: { error: 'information_request_required' } });
      // The business changes its mind: the person could not be identified after all.
      await publishVerdict(business.businessId, reviewId, requestId, false, new Date(Date.now() + 1000));
      const created = await reportUntil(201, business.businessId, reviewId, asAdmin, { reason: 'not_genuine_experience' });
      const view = await call('GET', `/v1/integrity/reports/${created.body.id}`, token('integrity'));
      expect(view.body).toMatchObject({
        evidence: { informationRequests: [{ requestId, outcome: 'answered', sharedFields: ['email'], identification: { identified: false } }] },
      });
    });

    it('is unlocked by an answer marked "could not identify" from the start', async () => {
      const reviewId = await publishReview(business.businessId, reviewer.userId, { rating: 1 });
      await publishInformationRequest(business.businessId, reviewId, reviewer.userId, business.admin.userId, 'unidentified');
      expect((await reportUntil(201, business.businessId, reviewId, asAdmin, { reason: 'not_genuine_experience' })).status).toBe(201);
    });
  });

  describe('R2: within 12 months of publication', () => {
    it('refuses a review published 13 months ago, accepts one published 11 months ago', async () => {
      const old = await publishReview(business.businessId, reviewer.userId, { rating: 1, publishedAt: new Date(Date.now() - 13 * MONTH).toISOString() });
      await publishInformationRequest(business.businessId, old, reviewer.userId, business.admin.userId, 'expired');
      // Until the expiry arrives the answer is R1's 422; then R2's.
      const windowClosed = await eventually('R2 to apply', async () => {
        const result = await call('POST', reportPath(business.businessId, old), asAdmin, { reason: 'not_genuine_experience' });
        return result.body.error === 'report_window_closed' ? result : undefined;
      });
      expect(windowClosed).toMatchObject({ status: 422, body: { statusCode: 422, error: 'report_window_closed' } });
      // The same old review may still be reported for another reason.
      expect((await call('POST', reportPath(business.businessId, old), asAdmin, { reason: 'harmful' })).status).toBe(201);

      const recent = await publishReview(business.businessId, reviewer.userId, { rating: 1, publishedAt: new Date(Date.now() - 11 * MONTH).toISOString() });
      await publishInformationRequest(business.businessId, recent, reviewer.userId, business.admin.userId, 'expired');
      expect((await reportUntil(201, business.businessId, recent, asAdmin, { reason: 'not_genuine_experience' })).status).toBe(201);
    });
  });

  describe('R4: one report per review per business', () => {
    it('refuses a second report with 409 already_reported, also under concurrent calls', async () => {
      // A business of its own, so the meter's review count tells when reporting knows the review.
      const shop = await publishBusiness();
      const asShop = token('business', { sub: shop.admin.userId, businessId: shop.businessId });
      const reviewId = await publishReview(shop.businessId, reviewer.userId, { rating: 3 });
      await eventually('reporting to know the review', async () => {
        const meter = (await call('GET', `/v1/businesses/${shop.businessId}/reports`, asShop)).body.selectiveReportingMeter as { reviews: number } | undefined;
        return meter?.reviews === 1 ? true : undefined;
      });
      const attempts = await Promise.all(Array.from({ length: 6 }, () => call('POST', reportPath(shop.businessId, reviewId), asShop, { reason: 'spam' })));
      expect(attempts.filter((r) => r.status === 201)).toHaveLength(1);
      expect(attempts.filter((r) => r.status === 409)).toHaveLength(5);
      expect(attempts.filter((r) => r.status === 409).every((r) => r.body.error === 'already_reported')).toBe(true);
      expect(await call('POST', reportPath(shop.businessId, reviewId), asShop, { reason: 'other' })).toMatchObject({ status: 409, body: { error: 'already_reported' } });
    }, 180_000);
  });

  describe('R5: the integrity team decides, the reporter is told by email and API', () => {
    it('shows open reports with their evidence, records one decision, emails only the reporter, emits ReportResolved', async () => {
      const reviewId = await publishReview(business.businessId, reviewer.userId, { rating: 1 });
      const requestId = await publishInformationRequest(business.businessId, reviewId, reviewer.userId, business.admin.userId, 'expired');
      const created = await reportUntil(201, business.businessId, reviewId, asAdmin, { reason: 'not_genuine_experience', details: 'We have no booking under this name.' });
      const reportId = created.body.id as string;
      const integrity = token('integrity', { sub: 'integrity-anna' });

      const open = await call('GET', `/v1/integrity/reports?status=open&businessId=${business.businessId}&limit=200`, integrity);
      expect(open.status).toBe(200);
      const listed = (open.body.items as Record<string, unknown>[]).find((item) => item.id === reportId);
      expect(listed).toMatchObject({
        businessId: business.businessId,
        reviewId,
        reason: 'not_genuine_experience',
        details: 'We have no booking under this name.',
        status: 'open',
        reportedBy: business.admin.userId,
        evidence: {
          review: { reviewId, reviewerId: reviewer.userId, rating: 1, source: 'organic' },
          informationRequests: [{ requestId, outcome: 'expired', requestedBy: business.admin.userId }],
          documentation: { status: 'requested', expiresAt: created.body.documentationDeadline },
        },
      });

      const decided = await call('POST', `/v1/integrity/reports/${reportId}/decision`, integrity, { decision: 'kept' });
      expect(decided).toMatchObject({ status: 201, body: { id: reportId, status: 'kept', decidedBy: 'integrity-anna', decidedAt: expect.any(String) } });
      expect(await call('POST', `/v1/integrity/reports/${reportId}/decision`, integrity, { decision: 'removed' })).toMatchObject({ status: 409, body: { error: 'already_decided' } });
      expect(await call('POST', `/v1/integrity/reports/${reportId}/decision`, integrity, { decision: 'maybe' })).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(await call('POST', `/v1/integrity/reports/${randomUUID()}/decision`, integrity, { decision: 'kept' })).toMatchObject({ status: 404, body: { error: 'not_found' } });
      const stillOpen = await call('GET', `/v1/integrity/reports?status=open&businessId=${business.businessId}&limit=200`, integrity);
      expect((stillOpen.body.items as { id: string }[]).map((i) => i.id)).not.toContain(reportId);

      // The business sees the outcome in its API...
      const mine = await call('GET', `/v1/businesses/${business.businessId}/reports/${reportId}`, asMember);
      expect(mine).toMatchObject({ status: 200, body: { id: reportId, status: 'kept', decidedAt: expect.any(String) } });
      expect(mine.body.decidedBy).toBeUndefined();
      const listing = await call('GET', `/v1/businesses/${business.businessId}/reports?status=kept`, asAdmin);
      expect((listing.body.items as { id: string }[]).map((i) => i.id)).toContain(reportId);

      // ...and the reporter, alone, by email in their language.
      // (The admin also gets information-request outcome emails: pick the report's.)
      const mail = await eventually('the report-outcome email', async () => (await inbox(business.admin.email)).find((m) => m.headers['x-notification-kind'] === 'report-outcome'));
      expect(mail!.headers['content-language']).toBe('fr');
      expect(mail!.subject).toBe("L'avis que vous avez signalé reste en ligne");
      expect(mail!.html).toContain('<html lang="fr"');
      expect(mail!.text).toContain('ne repose pas sur une expérience réelle');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await inbox(business.member.email)).toHaveLength(0);

      const resolved = await eventually('ReportResolved on reports.v1', async () => {
        const found = await readAll('reports.v1', (m) => m.key?.toString() === reportId && m.value!.toString().includes('"ReportResolved"'));
        return found.length > 0 ? found : undefined;
      });
      expect(resolved).toHaveLength(1);
      expect(JSON.parse(resolved[0]!.value!.toString())).toMatchObject({
        source: 'reporting',
        data: { reportId, businessId: business.businessId, reviewId, reason: 'not_genuine_experience', decision: 'kept', reportedBy: business.admin.userId, decidedBy: 'integrity-anna' },
      });
      const reported = await readAll('reports.v1', (m) => m.key?.toString() === reportId);
      expect(reported.map((m) => JSON.parse(m.value!.toString()).type)).toEqual(['ReviewReported', 'DocumentationRequested', 'ReportResolved']);
    });

    it('pages the integrity list newest first', async () => {
      const integrity = token('integrity');
      const first = await call('GET', `/v1/integrity/reports?businessId=${business.businessId}&limit=2`, integrity);
      expect(first.status).toBe(200);
      const items = first.body.items as { reportedAt: string; id: string }[];
      expect(items).toHaveLength(2);
      expect(items[0]!.reportedAt >= items[1]!.reportedAt).toBe(true);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await call('GET', `/v1/integrity/reports?businessId=${business.businessId}&limit=2&cursor=${first.body.nextCursor}`, integrity);
      expect((second.body.items as { id: string }[]).map((i) => i.id)).not.toContain(items[0]!.id);
      expect(await call('GET', '/v1/integrity/reports?cursor=nonsense', integrity)).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(await call('GET', '/v1/integrity/reports?status=pending', integrity)).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    });
  });
});
