import { randomUUID } from 'node:crypto';
import { envelope, eventually, publish, publishBusiness, readAll, serviceUrl, token, type BusinessFixture } from './support';

// The fairness monitor (DESIGN.md R6, R7): a business reporting (almost) only its
// negative reviews, far above their share among all its reviews, is flagged by a
// one-sided exact binomial test (p < 0.01, at least 10 reports), once, with
// ReportingMisuseFlagged; a business reporting in proportion is not. Each business
// sees its own meter before any flag is raised.

const api = () => serviceUrl('reporting');

interface Meter {
  reports: number;
  negativeReports: number;
  reportsNegativeShare: number;
  reviews: number;
  negativeReviews: number;
  reviewsNegativeShare: number;
  flagged: boolean;
  pValue: number | null;
  level: string;
  message: string;
}

async function call(method: string, path: string, bearer: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { authorization: `Bearer ${bearer}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${api()}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** 50 reviews in one batch: 12 negative (rated 1 or 2, 24%), 38 positive. */
async function publishReviews(businessId: string): Promise<{ negative: string[]; positive: string[] }> {
  const reviews = Array.from({ length: 50 }, (_, i) => ({ reviewId: `rev-${randomUUID()}`, rating: i < 12 ? (i % 2) + 1 : 3 + (i % 3) }));
  await publish(
    'upstream.reviews.v1',
    reviews.map(({ reviewId, rating }) => ({
      key: reviewId,
      value: JSON.stringify(
        envelope('ReviewPublished', { reviewId, businessId, reviewerId: `user-${randomUUID()}`, rating, source: 'organic', language: 'en', publishedAt: new Date(Date.now() - 86_400_000).toISOString() }),
      ),
    })),
  );
  return { negative: reviews.filter((r) => r.rating <= 2).map((r) => r.reviewId), positive: reviews.filter((r) => r.rating > 2).map((r) => r.reviewId) };
}

async function meterOf(business: BusinessFixture): Promise<Meter> {
  const bearer = token('business', { sub: business.member.userId, businessId: business.businessId });
  const listing = await call('GET', `/v1/businesses/${business.businessId}/reports`, bearer);
  expect(listing.status).toBe(200);
  return listing.body.selectiveReportingMeter as Meter;
}

async function reportAll(business: BusinessFixture, reviewIds: string[]): Promise<string[]> {
  const bearer = token('business', { sub: business.admin.userId, businessId: business.businessId });
  const ids: string[] = [];
  for (const reviewId of reviewIds) {
    const created = await call('POST', `/v1/businesses/${business.businessId}/reviews/${reviewId}/reports`, bearer, { reason: 'harmful' });
    expect(created.status).toBe(201);
    ids.push(created.body.id as string);
  }
  return ids;
}

const flagsOf = async (businessId: string) => (await call('GET', `/v1/integrity/flags?businessId=${businessId}`, token('integrity'))).body.items as Record<string, unknown>[];
const flaggedEvents = (businessId: string) =>
  readAll('reports.v1', (m) => {
    const event = JSON.parse(m.value!.toString()) as { type: string; data: { businessId: string } };
    return event.type === 'ReportingMisuseFlagged' && event.data.businessId === businessId;
  });

describe('fairness monitor (R6, R7)', () => {
  let selective: BusinessFixture;
  let fair: BusinessFixture;
  let selectiveReviews: { negative: string[]; positive: string[] };
  let fairReviews: { negative: string[]; positive: string[] };

  beforeAll(async () => {
    [selective, fair] = await Promise.all([publishBusiness({ name: 'Selective Shop' }), publishBusiness({ name: 'Fair Shop' })]);
    [selectiveReviews, fairReviews] = await Promise.all([publishReviews(selective.businessId), publishReviews(fair.businessId)]);
    for (const business of [selective, fair]) {
      await eventually(`reporting to know the 50 reviews of ${business.businessId}`, async () => ((await meterOf(business)).reviews === 50 ? true : undefined));
    }
  });

  it('shows a business its own meter before any flag, and warns it as it heads for one (R7)', async () => {
    expect(await meterOf(selective)).toMatchObject({ reports: 0, negativeReports: 0, reviews: 50, negativeReviews: 12, reviewsNegativeShare: 0.24, flagged: false, pValue: null, level: 'ok' });
    await reportAll(selective, selectiveReviews.negative.slice(0, 9));
    const meter = await meterOf(selective);
    expect(meter).toMatchObject({ reports: 9, negativeReports: 9, reportsNegativeShare: 1, reviews: 50, negativeReviews: 12, reviewsNegativeShare: 0.24, flagged: false, level: 'caution' });
    // 0.24^9: far beyond chance, but below the 10 reports a flag needs.
    expect(meter.pValue).toBeCloseTo(0.24 ** 9, 12);
    expect(meter.message).toContain('100% of your reports are of negative reviews');
    expect(await flagsOf(selective.businessId)).toEqual([]);
  });

  it('flags a business that reports only its negative reviews once it has 10 reports, and emits ReportingMisuseFlagged once (R6)', async () => {
    const [tenth] = await reportAll(selective, selectiveReviews.negative.slice(9, 10));
    const meter = await meterOf(selective);
    expect(meter).toMatchObject({ reports: 10, negativeReports: 10, flagged: true, level: 'flagged' });
    expect(meter.message).toContain('flagged');

    const [flag, ...others] = await flagsOf(selective.businessId);
    expect(others).toEqual([]);
    expect(flag).toMatchObject({
      businessId: selective.businessId,
      status: 'active',
      reportId: tenth,
      raisedWith: { reports: 10, negativeReports: 10, reportsNegativeShare: 1, reviews: 50, negativeReviews: 12, reviewsNegativeShare: 0.24 },
    });
    expect((flag!.raisedWith as { pValue: number }).pValue).toBeCloseTo(0.24 ** 10, 12);

    // More selective reports keep the flag: no second one, no second event.
    await reportAll(selective, selectiveReviews.negative.slice(10, 12));
    expect(await flagsOf(selective.businessId)).toHaveLength(1);
    expect((await flagsOf(selective.businessId))[0]).toMatchObject({ status: 'active', latest: { reports: 12, negativeReports: 12 } });
    const events = await eventually('ReportingMisuseFlagged on reports.v1', async () => {
      const found = await flaggedEvents(selective.businessId);
      return found.length > 0 ? found : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await flaggedEvents(selective.businessId)).toHaveLength(1);
    expect(events[0]!.key!.toString()).toBe(tenth);
    expect(JSON.parse(events[0]!.value!.toString())).toMatchObject({
      type: 'ReportingMisuseFlagged',
      source: 'reporting',
      data: { reportId: tenth, businessId: selective.businessId, reports: 10, negativeReports: 10, reviews: 50, negativeReviews: 12, pValue: expect.any(Number) },
    });

    const all = await call('GET', '/v1/integrity/flags?status=active&limit=200', token('integrity'));
    expect((all.body.items as { businessId: string }[]).map((f) => f.businessId)).toContain(selective.businessId);
  });

  it('does not flag a business that reports in proportion to its reviews (R6)', async () => {
    // 3 negative and 9 positive reports: 25% of reports against 24% of reviews.
    await reportAll(fair, [...fairReviews.negative.slice(0, 3), ...fairReviews.positive.slice(0, 9)]);
    const meter = await meterOf(fair);
    expect(meter).toMatchObject({ reports: 12, negativeReports: 3, reportsNegativeShare: 0.25, reviews: 50, negativeReviews: 12, reviewsNegativeShare: 0.24, flagged: false, level: 'ok' });
    expect(meter.pValue).toBeGreaterThan(0.5);
    expect(await flagsOf(fair.businessId)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await flaggedEvents(fair.businessId)).toHaveLength(0);
  });

  it('keeps flags for the integrity team: businesses cannot read them', async () => {
    const asSelective = token('business', { sub: selective.admin.userId, businessId: selective.businessId });
    expect((await call('GET', `/v1/integrity/flags?businessId=${selective.businessId}`, asSelective)).status).toBe(403);
    expect((await call('GET', '/v1/integrity/flags?businessId=not valid', token('integrity'))).status).toBe(400);
  });
});
