import { randomUUID } from 'node:crypto';
import { loadConfig, serviceEnvSchema } from '@feedback/config';
import { KeyRing } from '@feedback/pii';
import { collect, envelope, eventually, personal, publish, serviceUrl, token, withDatabase } from './support';

// feedback-store, shared details of information requests (DESIGN.md I6, I7, R1 prerequisite):
// disclosures arrive sealed on info.disclosures.v1, business users read them with an audit trail.

const BUSINESSES = 'upstream.businesses.v1';
const DISCLOSURES = 'info.disclosures.v1';
const INFO_REQUESTS = 'info.requests.v1';
const PURPOSE = "finding the person in the business's own customer records";
const RETENTION_MS = 90 * 86_400_000;

/** The dev key ring the test stack runs with: what the requests service seals with. */
const ring = new KeyRing(loadConfig(serviceEnvSchema(1, {}), {}).PII_ENCRYPTION_KEYS);

type Values = { email?: string; referenceNumber?: string; fullName?: string; phone?: string };

function businessProfile(businessId: string, users: { userId: string; role: 'admin' | 'member' }[]) {
  return envelope('BusinessProfileUpdated', {
    businessId,
    name: `Business ${businessId}`,
    privacyPolicyUrl: 'https://example.com/privacy',
    users: users.map((u) => ({ ...u, email: `${u.userId}@example.com`, preferredLanguage: 'en' })),
  });
}

function disclosure(requestId: string, facts: { businessId: string; reviewId: string; requestedBy: string; providedAt: string }, values: Values) {
  return envelope('InformationDisclosed', { requestId, ...facts, sealed: ring.sealJson(values, `disclosure:${requestId}`) });
}

async function call(method: string, path: string, bearer?: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${serviceUrl('feedback-store')}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const run = randomUUID().slice(0, 8);
const business = `b-${run}`;
const otherBusiness = `b-other-${run}`;
const admin = `admin-${run}`;
const member = `member-${run}`;
const outsider = `outsider-${run}`;
const otherUser = `other-${run}`;
const asAdmin = () => token('business', { sub: admin, businessId: business });
const asMember = () => token('business', { sub: member, businessId: business });
const base = (requestId: string, businessId = business) => `/v1/businesses/${businessId}/information-requests/${encodeURIComponent(requestId)}`;

/** Publishes a disclosure for a fresh request of `business` and waits until feedback-store serves it. */
async function disclosed(values: Values, providedAt = new Date().toISOString()) {
  const requestId = `r-${randomUUID()}`;
  const facts = { businessId: business, reviewId: `rv-${randomUUID()}`, requestedBy: admin, providedAt };
  const event = disclosure(requestId, facts, values);
  await publish(DISCLOSURES, [{ key: requestId, value: JSON.stringify(event) }]);
  // Reads are audited: wait on the raw store, not on the route.
  await eventually(`disclosure ${requestId} stored`, () =>
    withDatabase('feedback-store', async (db) => ((await db.collection('disclosures').findOne({ _id: requestId as never })) ? true : undefined)),
  );
  return { requestId, facts, event };
}

beforeAll(async () => {
  await publish(BUSINESSES, [
    { key: business, value: JSON.stringify(businessProfile(business, [{ userId: admin, role: 'admin' }, { userId: member, role: 'member' }])) },
    { key: otherBusiness, value: JSON.stringify(businessProfile(otherBusiness, [{ userId: otherUser, role: 'admin' }])) },
  ]);
  await eventually('the business rosters', () =>
    withDatabase('feedback-store', async (db) => ((await db.collection('business_rosters').countDocuments({ _id: { $in: [business, otherBusiness] } as never })) === 2 ? true : undefined)),
  );
});

describe('feedback-store: shared details of an information request', () => {
  const values = { email: `pat.${run}@example.com`, referenceNumber: personal(`ORD-${run}`), fullName: personal(`Pat Doe ${run}`) };
  const providedAt = new Date(Date.now() - 86_400_000).toISOString();
  let request: Awaited<ReturnType<typeof disclosed>>;
  beforeAll(async () => {
    request = await disclosed(values, providedAt);
  });

  it('returns the values, decrypted, to a user of the business', async () => {
    const read = await call('GET', `${base(request.requestId)}/details`, asMember());
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      requestId: request.requestId,
      reviewId: request.facts.reviewId,
      sharedFields: ['email', 'referenceNumber', 'fullName'],
      details: values,
      providedAt,
      retentionEndsAt: new Date(Date.parse(providedAt) + RETENTION_MS).toISOString(),
    });
    expect((await call('GET', `${base(request.requestId)}/details`, asAdmin())).status).toBe(200);
  });

  it.each([
    ['no token', undefined, 401, 'unauthorized'],
    ['a processor of the business', () => token('processor', { businessId: business }), 403, 'forbidden'],
    ['an analyst', () => token('analyst'), 403, 'forbidden'],
    ['the integrity team', () => token('integrity'), 403, 'forbidden'],
    ['a user of another business', () => token('business', { sub: otherUser, businessId: otherBusiness }), 403, 'forbidden'],
    ['a token of the business for someone not on its profile', () => token('business', { sub: outsider, businessId: business }), 403, 'forbidden'],
  ])('refuses %s', async (_who, bearer, status, error) => {
    const response = await call('GET', `${base(request.requestId)}/details`, bearer?.());
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ statusCode: status, error, message: expect.any(String) });
    expect(JSON.stringify(response.body)).not.toContain(values.email);
  });

  it("answers another business's request exactly like an unknown one (404, existence not leaked)", async () => {
    const foreign = await call('GET', `${base(request.requestId, otherBusiness)}/details`, token('business', { sub: otherUser, businessId: otherBusiness }));
    const unknown = await call('GET', `${base(`r-${randomUUID()}`)}/details`, asMember());
    expect(foreign).toMatchObject({ status: 404, body: { statusCode: 404, error: 'not_found' } });
    expect(unknown).toMatchObject({ status: 404, body: { statusCode: 404, error: 'not_found' } });
    expect(JSON.stringify(foreign.body)).not.toContain(values.email);
  });

  it('keeps the values encrypted at rest, with the key id recorded', async () => {
    const stored = await withDatabase('feedback-store', (db) => db.collection('disclosures').findOne({ _id: request.requestId as never }));
    expect(stored).toMatchObject({
      businessId: business,
      reviewId: request.facts.reviewId,
      requestedBy: admin,
      sharedFields: ['email', 'referenceNumber', 'fullName'],
      keyId: ring.activeKeyId,
      sealed: (request.event.data as { sealed: unknown }).sealed,
    });
    const raw = JSON.stringify(stored);
    for (const value of Object.values(values)) expect(raw).not.toContain(value);
    expect(raw).not.toContain(`ORD-${run}`);
  });

  it('never changes the first record: replays are ignored, a conflicting disclosure is dead-lettered', async () => {
    const before = await withDatabase('feedback-store', (db) => db.collection('disclosures').findOne({ _id: request.requestId as never }));
    const resealed = disclosure(request.requestId, request.facts, values);
    const conflicting = disclosure(request.requestId, request.facts, { email: `someone.else.${run}@example.com` });
    await publish(DISCLOSURES, [
      { key: request.requestId, value: JSON.stringify(request.event) },
      { key: request.requestId, value: JSON.stringify(resealed) },
      { key: request.requestId, value: JSON.stringify(conflicting) },
    ]);
    await eventually('the re-sealed replay to be processed', () =>
      withDatabase('feedback-store', async (db) => ((await db.collection('processed_events').findOne({ _id: resealed.id as never })) ? true : undefined)),
    );
    const [letter] = await collect(`${DISCLOSURES}.dlq`, (m) => m.key?.toString() === request.requestId, (found) => found.length >= 1);
    expect(letter!.value!.toString()).toBe(JSON.stringify(conflicting));
    expect(letter!.headers?.['dlq-reason']?.toString()).toMatch(/other values than the stored disclosure.*first one is kept/);

    const after = await withDatabase('feedback-store', (db) => db.collection('disclosures').findOne({ _id: request.requestId as never }));
    expect(after).toEqual(before);
    expect((await call('GET', `${base(request.requestId)}/details`, asMember())).body).toMatchObject({ details: values });
  });

  it('answers malformed ids with a clear 4xx', async () => {
    const tooLong = await call('GET', `${base('r'.repeat(201))}/details`, asMember());
    expect(tooLong).toMatchObject({ status: 400, body: { error: 'validation_failed', fields: [{ field: 'requestId' }] } });
    const badEscape = await fetch(`${serviceUrl('feedback-store')}/v1/businesses/${business}/information-requests/%E0%A4%A/details`, { headers: { authorization: `Bearer ${asMember()}` } });
    expect(badEscape.status).toBeGreaterThanOrEqual(400);
    expect(badEscape.status).toBeLessThan(500);
  });
});

describe('feedback-store: every read of shared details is audit-logged', () => {
  it('logs who read, when, and the fixed purpose; shows the log to admins only', async () => {
    const { requestId } = await disclosed({ phone: personal('+32 470 12 34 56') });
    const started = Date.now();
    expect((await call('GET', `${base(requestId)}/details`, asMember())).status).toBe(200);
    // The route takes no purpose: a query parameter changes nothing.
    expect((await call('GET', `${base(requestId)}/details?purpose=marketing&readBy=someone`, asMember())).status).toBe(200);
    expect((await call('GET', `${base(requestId)}/details`, asAdmin())).status).toBe(200);
    // Refused reads are not reads.
    expect((await call('GET', `${base(requestId)}/details`, token('business', { sub: outsider, businessId: business }))).status).toBe(403);

    const log = await call('GET', `${base(requestId)}/details/reads`, asAdmin());
    expect(log.status).toBe(200);
    const items = log.body.items as { readBy: string; readAt: string; purpose: string }[];
    expect(items.map((i) => i.readBy)).toEqual([admin, member, member]);
    for (const item of items) {
      expect(item.purpose).toBe(PURPOSE);
      expect(Date.parse(item.readAt)).toBeGreaterThanOrEqual(started - 1000);
    }
    const times = items.map((i) => Date.parse(i.readAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(log.body.nextCursor).toBeUndefined();

    const first = await call('GET', `${base(requestId)}/details/reads?limit=2`, asAdmin());
    expect((first.body.items as unknown[]).length).toBe(2);
    const second = await call('GET', `${base(requestId)}/details/reads?limit=2&cursor=${String(first.body.nextCursor)}`, asAdmin());
    expect(second.body).toEqual({ items: [items[2]] });
  });

  it('refuses the log to members and to others, and bad paging with 400', async () => {
    const { requestId } = await disclosed({ email: `x.${run}@example.com` });
    const asMemberResult = await call('GET', `${base(requestId)}/details/reads`, asMember());
    expect(asMemberResult).toMatchObject({ status: 403, body: { statusCode: 403, error: 'forbidden' } });
    expect((await call('GET', `${base(requestId)}/details/reads`, token('processor', { businessId: business }))).status).toBe(403);
    expect((await call('GET', `${base(requestId)}/details/reads`)).status).toBe(401);
    expect((await call('GET', `${base(`r-${randomUUID()}`)}/details/reads`, asAdmin())).status).toBe(404);
    expect((await call('GET', `${base(requestId)}/details/reads?limit=0`, asAdmin())).body).toMatchObject({ error: 'validation_failed', fields: [{ field: 'limit' }] });
    expect((await call('GET', `${base(requestId)}/details/reads?cursor=nope`, asAdmin())).body).toMatchObject({ error: 'validation_failed', fields: [{ field: 'cursor' }] });
  });
});

describe('feedback-store: identification outcome (R1 prerequisite)', () => {
  it('records whether the person was identified and emits IdentificationRecorded for each change', async () => {
    const { requestId, facts } = await disclosed({ referenceNumber: personal(`BK-${run}`) });
    const path = `${base(requestId)}/identification`;

    const first = await call('POST', path, asMember(), { identified: false });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ requestId, identified: false, recordedBy: member, recordedAt: expect.any(String) });
    // The same answer again is a safe retry: unchanged, no event.
    expect(await call('POST', path, asAdmin(), { identified: false })).toEqual({ status: 200, body: first.body });
    const changed = await call('POST', path, asAdmin(), { identified: true });
    expect(changed).toMatchObject({ status: 201, body: { identified: true, recordedBy: admin } });
    expect((await call('POST', path, asMember(), { identified: false })).status).toBe(201);

    const events = await collect(
      INFO_REQUESTS,
      (m) => m.key?.toString() === requestId,
      (found) => found.length >= 3,
    );
    const parsed = events.map((m) => JSON.parse(m.value!.toString()) as { type: string; source: string; data: Record<string, unknown> });
    expect(parsed.map((e) => [e.type, e.data.identified])).toEqual([
      ['IdentificationRecorded', false],
      ['IdentificationRecorded', true],
      ['IdentificationRecorded', false],
    ]);
    expect(parsed[0]).toMatchObject({
      source: 'feedback-store',
      data: { requestId, businessId: business, reviewId: facts.reviewId, identified: false, recordedBy: member, recordedAt: first.body.recordedAt },
    });
  });

  it('validates the body, after authentication and authorization', async () => {
    const { requestId } = await disclosed({ fullName: personal(`Sam ${run}`) });
    const path = `${base(requestId)}/identification`;
    for (const body of [{}, { identified: 'yes' }, { identified: null }, { identified: true, note: 'extra' }]) {
      const response = await call('POST', path, asMember(), body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'validation_failed', fields: expect.any(Array) });
    }
    expect((await call('POST', path, asMember(), {})).body.fields).toEqual([expect.objectContaining({ field: 'identified' })]);
    expect((await call('POST', path, undefined, {})).status).toBe(401);
    expect((await call('POST', path, token('business', { sub: outsider, businessId: business }), {})).status).toBe(403);
    expect((await call('POST', path, token('processor', { businessId: business }), { identified: true })).status).toBe(403);
    expect((await call('POST', `${base(`r-${randomUUID()}`)}/identification`, asMember(), { identified: true })).body).toMatchObject({ statusCode: 404, error: 'not_found' });
    expect((await call('POST', `${base(requestId, otherBusiness)}/identification`, token('business', { sub: otherUser, businessId: otherBusiness }), { identified: true })).status).toBe(404);
  });
});

describe('feedback-store: OpenAPI document', () => {
  it('documents every route with its success and error responses', async () => {
    const document = (await (await fetch(`${serviceUrl('feedback-store')}/docs-json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const path = '/v1/businesses/{businessId}/information-requests/{requestId}';
    const statuses = (route: string, method: string) => Object.keys(document.paths[`${path}${route}`]?.[method]?.responses ?? {}).sort();
    expect(statuses('/details', 'get')).toEqual(['200', '400', '401', '403', '404', '410', '503']);
    expect(statuses('/details/reads', 'get')).toEqual(['200', '400', '401', '403', '404']);
    expect(statuses('/identification', 'post')).toEqual(['200', '201', '400', '401', '403', '404', '409']);
  });
});
