import { randomUUID } from 'node:crypto';
import { respondentLinkKey, signRespondentLink } from '@feedback/auth';
import { DEV_JWT_SECRET } from '@feedback/config';
import {
  collect,
  readAll,
  eventually,
  profile,
  publishBusiness,
  publishReview,
  publishUser,
  serviceUrl,
  startExtraInstance,
  token,
  type BusinessFixture,
} from './support';

const api = () => serviceUrl('requests');
const linkKey = respondentLinkKey(DEV_JWT_SECRET);

/** The link notifications puts in the reviewer's email (same key, purpose and claims). */
function respondentLink(requestId: string, language: string, base = api(), expiresAt = new Date(Date.now() + 3_600_000)): string {
  return `${base}/respond/${signRespondentLink({ purpose: 'information-request', subjectId: requestId, language }, linkKey, expiresAt)}`;
}

async function ask(businessId: string, reviewId: string, bearer: string, base = api()) {
  const response = await fetch(`${base}/v1/businesses/${businessId}/reviews/${reviewId}/information-requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: '{}',
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Asks as soon as requests has consumed the review (404 until then). */
async function askWhenKnown(businessId: string, reviewId: string, bearer: string, base = api()) {
  return eventually(`requests to know review ${reviewId}`, async () => {
    const result = await ask(businessId, reviewId, bearer, base);
    return result.status === 404 ? undefined : result;
  });
}

async function postJson(url: string, body: unknown) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('information requests (I1–I8)', () => {
  let business: BusinessFixture;
  let reviewer: { userId: string; email: string };
  let businessToken: string;

  beforeAll(async () => {
    business = await publishBusiness({ name: 'Bakkerij Brood', referenceNumberLabel: 'Ordernummer' });
    reviewer = await publishUser('nl-BE');
    businessToken = token('business', { sub: business.admin.userId, businessId: business.businessId });
  });

  it('lets the reviewed business ask once, with a 72-hour deadline, and shows the status (I1, I5, I6)', async () => {
    const reviewId = await publishReview(business.businessId, reviewer.userId);
    const before = Date.now();
    const created = await askWhenKnown(business.businessId, reviewId, businessToken);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), status: 'pending' });
    const window = new Date(created.body.expiresAt as string).getTime() - before;
    expect(window).toBeGreaterThan(72 * 3_600_000 - 60_000);
    expect(window).toBeLessThanOrEqual(72 * 3_600_000 + 60_000);

    const again = await ask(business.businessId, reviewId, businessToken);
    expect(again).toMatchObject({ status: 409, body: { statusCode: 409, error: 'already_requested' } });

    const one = await fetch(`${api()}/v1/businesses/${business.businessId}/information-requests/${created.body.id}`, { headers: { authorization: `Bearer ${businessToken}` } });
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: created.body.id, reviewId, status: 'pending', requestedBy: business.admin.userId });

    const list = await fetch(`${api()}/v1/businesses/${business.businessId}/information-requests?limit=200`, { headers: { authorization: `Bearer ${businessToken}` } });
    expect(((await list.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toContain(created.body.id);
  });

  it('allows exactly one request per review under concurrent calls (I1)', async () => {
    const reviewId = await publishReview(business.businessId, reviewer.userId);
    const first = await askWhenKnown(business.businessId, reviewId, businessToken);
    const more = await Promise.all(Array.from({ length: 6 }, () => ask(business.businessId, reviewId, businessToken)));
    const statuses = [first.status, ...more.map((r) => r.status)];
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(6);
  });

  it('has no age limit: a review from 2015 can be asked about (I1)', async () => {
    const reviewId = await publishReview(business.businessId, reviewer.userId, { publishedAt: '2015-03-01T12:00:00.000Z' });
    expect((await askWhenKnown(business.businessId, reviewId, businessToken)).status).toBe(201);
  });

  it('refuses reviews written after a platform invitation (I2)', async () => {
    const reviewId = await publishReview(business.businessId, reviewer.userId, { source: 'invited' });
    expect(await askWhenKnown(business.businessId, reviewId, businessToken)).toMatchObject({ status: 422, body: { error: 'invited_review' } });
  });

  it('only lets a business user of the reviewed business ask (I1)', async () => {
    const reviewId = await publishReview(business.businessId, reviewer.userId);
    const other = await publishBusiness();
    const otherToken = token('business', { sub: other.admin.userId, businessId: other.businessId });
    expect((await ask(business.businessId, reviewId, otherToken)).status).toBe(403);
    expect((await ask(business.businessId, reviewId, token('analyst'))).status).toBe(403);
    expect((await ask(business.businessId, reviewId, token('processor', { businessId: business.businessId }))).status).toBe(403);
    const anonymous = await fetch(`${api()}/v1/businesses/${business.businessId}/reviews/${reviewId}/information-requests`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    // Once the review is known: asking about it through another business finds nothing.
    expect((await askWhenKnown(business.businessId, reviewId, businessToken)).status).toBe(201);
    expect((await ask(other.businessId, reviewId, otherToken)).status).toBe(404);
    expect((await ask(business.businessId, `rev-${randomUUID()}`, businessToken)).status).toBe(404);
  });

  it('shows the reviewer a localized form with the business\'s own reference label (I3, I4)', async () => {
    const reviewId = await publishReview(business.businessId, reviewer.userId);
    const { body } = await askWhenKnown(business.businessId, reviewId, businessToken);
    const page = await fetch(respondentLink(body.id as string, 'nl-BE'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain('Bakkerij Brood vraagt gegevens over je review');
    expect(html).toContain('Ordernummer');
    expect(html).not.toContain('Referentienummer');
    for (const field of ['email', 'referenceNumber', 'fullName', 'phone']) {
      expect(html).toContain(`<label for="${field}">`);
      expect(html).toContain(`<label for="share-${field}">`);
    }
  });

  it('accepts one answer, keeps only field names on info.requests.v1 and seals the values (I3, I6, I7)', async () => {
    const reviewId = await publishReview(business.businessId, reviewer.userId);
    const { body } = await askWhenKnown(business.businessId, reviewId, businessToken);
    const requestId = body.id as string;
    const link = respondentLink(requestId, 'en');
    const email = `shared.${randomUUID()}@mail.example`;

    const invalid = await postJson(link, { email: 'not-an-email', phone: 'x' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: 'validation_failed' });
    expect((invalid.body.fields as { field: string }[]).map((f) => f.field).sort()).toEqual(['email', 'phone']);
    expect((await postJson(link, {})).body).toMatchObject({ error: 'validation_failed' });
    expect((await postJson(link, { email, password: 'x' })).status).toBe(400);

    const answered = await postJson(link, { email, referenceNumber: 'ORD-778' });
    expect(answered).toMatchObject({ status: 201, body: { id: requestId, status: 'answered', sharedFields: ['email', 'referenceNumber'] } });
    expect(await postJson(link, { email })).toMatchObject({ status: 409, body: { error: 'already_answered' } });
    expect((await postJson(`${link}/decline`, {})).status).toBe(409);

    const view = await fetch(`${api()}/v1/businesses/${business.businessId}/information-requests/${requestId}`, { headers: { authorization: `Bearer ${businessToken}` } });
    expect(await view.json()).toMatchObject({ status: 'answered', outcome: { sharedFields: ['email', 'referenceNumber'], notGenuineReportUnlocked: false } });

    const [provided] = await collect('info.requests.v1', (m) => m.key?.toString() === requestId && m.value!.toString().includes('InformationProvided'), (found) => found.length >= 1);
    const event = JSON.parse(provided!.value!.toString());
    expect(event.data.sharedFields).toEqual(['email', 'referenceNumber']);
    expect(provided!.value!.toString()).not.toContain(email);
    expect(provided!.value!.toString()).not.toContain('ORD-778');

    const [disclosed] = await collect('info.disclosures.v1', (m) => m.key?.toString() === requestId, (found) => found.length >= 1);
    expect(disclosed!.value!.toString()).not.toContain(email);
    expect(JSON.parse(disclosed!.value!.toString()).data.sealed).toMatchObject({ keyId: expect.any(String), ciphertext: expect.any(String) });
  });

  it('lets the reviewer decline, and unlocks the not-genuine report (I3, I8)', async () => {
    const reviewId = await publishReview(business.businessId, reviewer.userId);
    const { body } = await askWhenKnown(business.businessId, reviewId, businessToken);
    const declined = await postJson(`${respondentLink(body.id as string, 'en')}/decline`, {});
    expect(declined).toMatchObject({ status: 201, body: { status: 'declined' } });
    const view = await fetch(`${api()}/v1/businesses/${business.businessId}/information-requests/${body.id}`, { headers: { authorization: `Bearer ${businessToken}` } });
    expect(await view.json()).toMatchObject({ status: 'declined', outcome: { notGenuineReportUnlocked: true } });
  });

  it('refuses forged links, links of another purpose, and answers for another request', async () => {
    const forged = `${api()}/respond/${signRespondentLink({ purpose: 'information-request', subjectId: 'x', language: 'en' }, 'not-the-key', new Date(Date.now() + 60_000))}`;
    expect((await fetch(forged)).status).toBe(404);
    expect((await postJson(forged, { email: 'a@b.example' })).body).toMatchObject({ error: 'not_found' });
    const wrongPurpose = `${api()}/respond/${signRespondentLink({ purpose: 'documentation', subjectId: 'x', language: 'en' }, linkKey, new Date(Date.now() + 60_000))}`;
    expect((await fetch(wrongPurpose)).status).toBe(404);
    expect((await fetch(`${api()}/respond/${token('business', { businessId: business.businessId })}`)).status).toBe(404);
  });

  it('rate-limits one link at more than 20 requests a minute', async () => {
    const link = respondentLink(`unknown-${randomUUID()}`, 'en');
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) statuses.push((await fetch(link)).status);
    expect(statuses.slice(0, 20).every((s) => s === 404)).toBe(true);
    expect(statuses).toContain(429);
  });

  describe('after the deadline (I5), with two instances sweeping', () => {
    const shortWindowEnv = {
      INFO_REQUEST_WINDOW: 'PT4S',
      EXPIRY_SWEEP_INTERVAL: 'PT1S',
      KAFKA_GROUP_ID: 'requests-short-window-e2e',
      MONGO_DB_PREFIX: 'e2e_short_window_',
    };
    const ports = () => [profile().servicePorts.requests + 50, profile().servicePorts.requests + 51];
    let instances: { url: string; stop(): Promise<void> }[] = [];

    beforeAll(async () => {
      instances = await Promise.all(ports().map((port, i) => startExtraInstance('requests', { port, env: shortWindowEnv, logName: `requests-short-window-${i}` })));
    });
    afterAll(async () => {
      await Promise.all(instances.map((i) => i.stop()));
    });

    it('refuses answers with 410 and emits InformationRequestExpired exactly once', async () => {
      const reviewId = await publishReview(business.businessId, reviewer.userId);
      const created = await askWhenKnown(business.businessId, reviewId, businessToken, instances[0]!.url);
      expect(created.status).toBe(201);
      const requestId = created.body.id as string;
      const link = respondentLink(requestId, 'en', instances[1]!.url);

      await eventually('the deadline to pass', async () => ((await fetch(link)).status === 410 ? true : undefined), 20_000);
      expect(await postJson(link, { email: 'late@mail.example' })).toMatchObject({ status: 410, body: { error: 'expired' } });

      const view = await eventually('the sweep to expire it', async () => {
        const response = await fetch(`${instances[1]!.url}/v1/businesses/${business.businessId}/information-requests/${requestId}`, { headers: { authorization: `Bearer ${businessToken}` } });
        const body = (await response.json()) as { status: string };
        return body.status === 'expired' ? body : undefined;
      });
      expect(view).toMatchObject({ status: 'expired', outcome: { notGenuineReportUnlocked: true } });

      // Let both sweepers run a few more times (and the outbox relay publish), then count the events.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const expired = await readAll('info.requests.v1', (m) => m.key?.toString() === requestId && m.value!.toString().includes('"InformationRequestExpired"'));
      expect(expired).toHaveLength(1);
    });
  });
});
