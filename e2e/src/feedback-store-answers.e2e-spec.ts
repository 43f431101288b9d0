import { randomUUID } from 'node:crypto';
import { respondentLinkKey, signRespondentLink } from '@feedback/auth';
import { feedbackCommentContext } from '@feedback/contracts';
import { DEV_JWT_SECRET, loadConfig, serviceEnvSchema } from '@feedback/config';
import { KeyRing } from '@feedback/pii';
import { type BusinessFixture, collect, envelope, eventually, personal, publish, publishAndAwaitConsumed, publishBusiness, publishConversation, publishUser, readAll, serviceUrl, token, withDatabase } from './support';

// feedback-store, answers to customer feedback requests (DESIGN.md F6-F8, F10, F12, F13):
// stored write-once from FeedbackSubmitted with the comment encrypted, read by the
// business within each reader's scope, erased as a tombstone with FeedbackErased.

const FEEDBACK = 'feedback.requests.v1';
const CONVERSATIONS = 'upstream.conversations.v1';
const ANSWERS = 'feedback_answers';

type Item = Record<string, unknown> & { requestId: string };
type Raw = Record<string, unknown> & { _id: string };

async function call(method: string, path: string, bearer?: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${serviceUrl('feedback-store')}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const rawAnswer = (requestId: string) => withDatabase('feedback-store', (db) => db.collection<Raw>(ANSWERS).findOne({ _id: requestId }));
const processed = (eventId: string) =>
  eventually(`event ${eventId} processed by feedback-store`, () =>
    withDatabase('feedback-store', async (db) => ((await db.collection('processed_events').findOne({ _id: eventId as never })) ? true : undefined)),
  );

/** A FeedbackSubmitted as the requests service publishes it, for the cases that need precise control. */
function submitted(business: BusinessFixture, overrides: Record<string, unknown> = {}) {
  const requestId = `fr-${randomUUID()}`;
  return envelope(
    'FeedbackSubmitted',
    {
      requestId,
      businessId: business.businessId,
      test: false,
      conversationId: `conv-${randomUUID()}`,
      userId: `user-${randomUUID()}`,
      representativeIds: [],
      surveyType: 'csat',
      score: 4,
      comment: personal(`Helpful staff ${randomUUID()}`),
      requestedAt: new Date(Date.now() - 3_600_000).toISOString(),
      submittedAt: new Date().toISOString(),
      ...overrides,
    },
    { source: 'requests' },
  );
}
type Submitted = ReturnType<typeof submitted>;
const dataOf = (event: Submitted) => event.data as { requestId: string; conversationId: string; userId: string; comment?: string; submittedAt: string };

const keyRing = new KeyRing(loadConfig(serviceEnvSchema(1, {}), {}).PII_ENCRYPTION_KEYS);

/** The bytes requests would publish: the comment sealed to its request, never in clear. */
function wire(event: Submitted): string {
  const { comment, ...data } = event.data as Record<string, unknown> & { comment?: string; requestId: string };
  const sealed = comment === undefined ? {} : { sealedComment: keyRing.seal(comment, feedbackCommentContext(data.requestId)) };
  return JSON.stringify({ ...event, data: { ...data, ...sealed } });
}

/**
 * Publishes the answers and waits until feedback-store has consumed them. It keeps no
 * processed-event record for them (an answer's key is its request id, so storing one
 * again changes nothing): a replay leaves nothing behind to wait on but the offsets.
 */
async function deliver(...events: Submitted[]): Promise<void> {
  await publishAndAwaitConsumed(
    'feedback-store',
    FEEDBACK,
    events.map((e) => ({ key: dataOf(e).requestId, value: wire(e) })),
  );
}

/** The rosters must be in feedback-store before its business routes can tell admins from members. */
async function rosterKnown(...businesses: BusinessFixture[]): Promise<void> {
  await eventually('the business rosters in feedback-store', () =>
    withDatabase('feedback-store', async (db) =>
      (await db.collection('business_rosters').countDocuments({ _id: { $in: businesses.map((b) => b.businessId) } as never })) === businesses.length ? true : undefined,
    ),
  );
}

const list = (businessId: string, bearer?: string, query = '') => call('GET', `/v1/businesses/${businessId}/feedback${query}`, bearer);
const ids = (body: Record<string, unknown>) => (body.items as Item[]).map((i) => i.requestId);

describe('feedback-store: answers to feedback requests', () => {
  let business: BusinessFixture;
  let other: BusinessFixture;
  let asAdmin: () => string;
  let asMember: () => string;
  let asProcessor: () => string;

  beforeAll(async () => {
    [business, other] = await Promise.all([publishBusiness({ name: 'Answers Bakery' }), publishBusiness({ name: 'Other Shop' })]);
    asAdmin = () => token('business', { sub: business.admin.userId, businessId: business.businessId });
    asMember = () => token('business', { sub: business.member.userId, businessId: business.businessId });
    asProcessor = () => token('processor', { sub: 'acme-crm', businessId: business.businessId });
    await rosterKnown(business, other);
  });

  describe('an answer given through the respondent link', () => {
    const comment = `The bread was still warm ${randomUUID()}`;
    let requestId: string;
    let conversationId: string;

    beforeAll(async () => {
      const requests = serviceUrl('requests');
      const person = await publishUser('en');
      conversationId = await publishConversation(business.businessId, person.userId, [business.member.userId]);
      const created = await eventually(`requests to know conversation ${conversationId}`, async () => {
        const response = await fetch(`${requests}/v1/businesses/${business.businessId}/feedback-requests`, {
          method: 'POST',
          headers: { authorization: `Bearer ${asAdmin()}`, 'content-type': 'application/json' },
          body: JSON.stringify({ conversationId, userId: person.userId, survey: { type: 'csat' } }),
        });
        return response.status === 422 ? undefined : { status: response.status, body: (await response.json()) as { id: string } };
      });
      expect(created.status).toBe(201);
      requestId = created.body.id;
      const link = signRespondentLink({ purpose: 'feedback-request', subjectId: requestId, language: 'en' }, respondentLinkKey(DEV_JWT_SECRET), new Date(Date.now() + 3_600_000));
      const answered = await fetch(`${requests}/respond/${link}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ score: 4, comment }) });
      expect(answered.status).toBe(201);
    });

    it('reaches the business: the admin and the representative see it, without the person', async () => {
      const item = await eventually('the answer in feedback-store', async () => {
        const page = await list(business.businessId, asAdmin());
        return (page.body.items as Item[] | undefined)?.find((i) => i.requestId === requestId);
      });
      expect(item).toEqual({
        requestId,
        conversationId,
        representativeIds: [business.member.userId],
        surveyType: 'csat',
        score: 4,
        comment,
        requestedAt: expect.any(String),
        submittedAt: expect.any(String),
        test: false,
      });
      expect(ids((await list(business.businessId, asMember())).body)).toContain(requestId);
    });

    it('keeps the comment encrypted at rest, with the key id recorded', async () => {
      const stored = await eventually('the stored answer', () => rawAnswer(requestId).then((doc) => doc ?? undefined));
      expect(stored).toMatchObject({ businessId: business.businessId, conversationId, score: 4, surveyType: 'csat', keyId: expect.any(String) });
      expect(stored.sealedComment).toMatchObject({ keyId: stored.keyId, iv: expect.any(String), tag: expect.any(String), ciphertext: expect.any(String) });
      expect(JSON.stringify(stored)).not.toContain(comment);
      expect(JSON.stringify(stored)).not.toContain('still warm');
    });
  });

  describe('write-once storage', () => {
    it('stores an answer once: a redelivery and a replay under a new event id change nothing', async () => {
      const first = submitted(business);
      await deliver(first);
      const before = await rawAnswer(dataOf(first).requestId);
      expect(before).toMatchObject({ sourceEventId: first.id });

      const replay = { ...first, id: randomUUID() };
      await publish(FEEDBACK, [{ key: dataOf(first).requestId, value: wire(first) }]);
      await deliver(replay);
      const count = await withDatabase('feedback-store', (db) => db.collection<Raw>(ANSWERS).countDocuments({ _id: dataOf(first).requestId }));
      expect(count).toBe(1);
      expect(await rawAnswer(dataOf(first).requestId)).toEqual(before);
      const page = await list(business.businessId, asAdmin());
      expect(ids(page.body).filter((id) => id === dataOf(first).requestId)).toHaveLength(1);
    });

    it('keeps the first answer and dead-letters a conflicting second one', async () => {
      const first = submitted(business);
      await deliver(first);
      const before = await rawAnswer(dataOf(first).requestId);
      const conflicting = { ...first, id: randomUUID(), data: { ...first.data, score: 1, comment: 'Actually it was terrible' } };
      const conflictingBytes = wire(conflicting);
      await publish(FEEDBACK, [{ key: dataOf(first).requestId, value: conflictingBytes }]);
      const [letter] = await collect(`${FEEDBACK}.dlq`, (m) => m.key?.toString() === dataOf(first).requestId, (found) => found.length >= 1);
      expect(letter!.value!.toString()).toBe(conflictingBytes);
      expect(letter!.headers?.['dlq-reason']?.toString()).toMatch(/never replaced, the first one is kept/);
      expect(await rawAnswer(dataOf(first).requestId)).toEqual(before);
      const item = (await list(business.businessId, asAdmin())).body.items as Item[];
      expect(item.find((i) => i.requestId === dataOf(first).requestId)).toMatchObject({ score: 4, comment: dataOf(first).comment });
    });
  });

  describe('who sees which answers (F7, F8, F13)', () => {
    let mine: Submitted;
    let notMine: Submitted;
    let otherBusiness: Submitted;

    beforeAll(async () => {
      mine = submitted(business, { representativeIds: [business.member.userId, business.admin.userId] });
      notMine = submitted(business, { representativeIds: [business.admin.userId], surveyType: 'custom', score: undefined, option: 'Friendly' });
      otherBusiness = submitted(other, { representativeIds: [business.member.userId] });
      await deliver(mine, notMine, otherBusiness);
    });

    it('shows the admin and a processor of the business every answer, newest first', async () => {
      for (const bearer of [asAdmin(), asProcessor()]) {
        const page = await list(business.businessId, bearer, '?limit=200');
        expect(page.status).toBe(200);
        const seen = ids(page.body);
        expect(seen).toEqual(expect.arrayContaining([dataOf(mine).requestId, dataOf(notMine).requestId]));
        expect(seen).not.toContain(dataOf(otherBusiness).requestId);
        const times = (page.body.items as Item[]).map((i) => Date.parse(i.submittedAt as string));
        expect(times).toEqual([...times].sort((a, b) => b - a));
        expect((page.body.items as Item[]).find((i) => i.requestId === dataOf(notMine).requestId)).toMatchObject({ surveyType: 'custom', option: 'Friendly' });
      }
    });

    it('shows a member only the answers about conversations they took part in', async () => {
      const page = await list(business.businessId, asMember(), '?limit=200');
      expect(page.status).toBe(200);
      expect(ids(page.body)).toContain(dataOf(mine).requestId);
      expect(ids(page.body)).not.toContain(dataOf(notMine).requestId);
      expect(ids(page.body)).not.toContain(dataOf(otherBusiness).requestId);
      for (const item of page.body.items as Item[]) expect(item.representativeIds).toContain(business.member.userId);
    });

    it('never names the person who answered', async () => {
      const page = await list(business.businessId, asAdmin(), '?limit=200');
      const raw = JSON.stringify(page.body);
      expect(raw).not.toContain(dataOf(mine).userId);
      expect(raw).not.toContain('userId');
    });

    it.each([
      ['no token', () => undefined, 401, 'unauthorized'],
      ['a malformed token', () => 'not-a-jwt', 401, 'unauthorized'],
      ['a user of another business', () => token('business', { sub: other.admin.userId, businessId: other.businessId }), 403, 'forbidden'],
      ['a processor of another business', () => token('processor', { businessId: other.businessId }), 403, 'forbidden'],
      ['an analyst', () => token('analyst'), 403, 'forbidden'],
      ['the integrity team', () => token('integrity'), 403, 'forbidden'],
      ['a token of the business for someone not on its profile', () => token('business', { sub: `outsider-${randomUUID()}`, businessId: business.businessId }), 403, 'forbidden'],
    ])('refuses %s', async (_who, bearer, status, error) => {
      const response = await list(business.businessId, bearer());
      expect(response).toMatchObject({ status, body: { statusCode: status, error, message: expect.any(String) } });
      expect(JSON.stringify(response.body)).not.toContain(dataOf(mine).comment!);
    });

    it('pages newest first with limit and cursor', async () => {
      const first = await list(business.businessId, asAdmin(), '?limit=1');
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(1);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await list(business.businessId, asAdmin(), `?limit=1&cursor=${encodeURIComponent(first.body.nextCursor as string)}`);
      expect(second.status).toBe(200);
      expect(second.body.items).toHaveLength(1);
      expect(ids(second.body)[0]).not.toBe(ids(first.body)[0]);
      const all = ids((await list(business.businessId, asAdmin(), '?limit=200')).body);
      expect(all.slice(0, 2)).toEqual([ids(first.body)[0], ids(second.body)[0]]);
    });

    it.each([['?limit=0'], ['?limit=201'], ['?limit=abc'], ['?limit=1e2'], ['?limit=-1'], ['?limit=1&limit=2'], ['?cursor=not-a-cursor'], ['?cursor=']])(
      'refuses bad paging %s with 400 validation_failed',
      async (query) => {
        const response = await list(business.businessId, asAdmin(), query);
        expect(response).toMatchObject({ status: 400, body: { statusCode: 400, error: 'validation_failed', fields: [expect.objectContaining({ field: expect.any(String) })] } });
      },
    );

    it('has no route that creates or changes an answer (F2, F6)', async () => {
      const requestId = dataOf(mine).requestId;
      for (const bearer of [asAdmin(), asProcessor()]) {
        for (const method of ['POST', 'PUT', 'PATCH']) {
          for (const path of [`/v1/businesses/${business.businessId}/feedback`, `/v1/businesses/${business.businessId}/feedback/${requestId}`]) {
            const response = await call(method, path, bearer, { requestId, score: 1, comment: 'forged' });
            expect([404, 405]).toContain(response.status);
          }
        }
      }
      expect((await list(business.businessId, asAdmin(), '?limit=200')).body.items).toContainEqual(expect.objectContaining({ requestId, score: 4 }));
    });
  });

  describe('erasure (F12)', () => {
    const erase = (businessId: string, requestId: string, bearer?: string) => call('DELETE', `/v1/businesses/${businessId}/feedback/${encodeURIComponent(requestId)}`, bearer);
    const erasedEvents = (requestId: string) => readAll(FEEDBACK, (m) => m.key?.toString() === requestId && m.value!.toString().includes('"FeedbackErased"'));

    it('is for admins of the business only', async () => {
      const answer = submitted(business, { representativeIds: [business.member.userId] });
      await deliver(answer);
      const requestId = dataOf(answer).requestId;
      expect(await erase(business.businessId, requestId, asMember())).toMatchObject({ status: 403, body: { error: 'forbidden' } });
      expect(await erase(business.businessId, requestId, asProcessor())).toMatchObject({ status: 403, body: { error: 'forbidden' } });
      expect(await erase(business.businessId, requestId, token('business', { sub: other.admin.userId, businessId: other.businessId }))).toMatchObject({ status: 403 });
      expect(await erase(business.businessId, requestId)).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
      // Another business's admin, on its own path: the answer is not theirs, and its existence does not leak.
      const foreign = await erase(other.businessId, requestId, token('business', { sub: other.admin.userId, businessId: other.businessId }));
      expect(foreign).toMatchObject({ status: 404, body: { statusCode: 404, error: 'not_found' } });
      expect(await erase(business.businessId, `fr-${randomUUID()}`, asAdmin())).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect(await erase(business.businessId, 'x'.repeat(201), asAdmin())).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(await rawAnswer(requestId)).toMatchObject({ score: 4, sealedComment: expect.any(Object) });
      expect(await rawAnswer(requestId)).not.toHaveProperty('erased');
      expect(await erasedEvents(requestId)).toHaveLength(0);
    });

    it('tombstones the answer, emits FeedbackErased once, and is final', async () => {
      const answer = submitted(business, { representativeIds: [business.member.userId] });
      await deliver(answer);
      const requestId = dataOf(answer).requestId;

      const erased = await erase(business.businessId, requestId, asAdmin());
      expect(erased.status).toBe(204);
      expect(erased.body).toEqual({});
      expect((await erase(business.businessId, requestId, asAdmin())).status).toBe(204);

      // The tombstone: the fact of the erasure stays, the content is gone, for every reader.
      for (const bearer of [asAdmin(), asMember(), asProcessor()]) {
        const item = ((await list(business.businessId, bearer, '?limit=200')).body.items as Item[]).find((i) => i.requestId === requestId);
        expect(item).toEqual({
          requestId,
          conversationId: dataOf(answer).conversationId,
          representativeIds: [business.member.userId],
          surveyType: 'csat',
          requestedAt: expect.any(String),
          submittedAt: dataOf(answer).submittedAt,
          test: false,
          erased: { erasedAt: expect.any(String), erasedBy: business.admin.userId },
        });
      }
      const stored = await rawAnswer(requestId);
      expect(stored).toMatchObject({ erased: { erasedBy: business.admin.userId } });
      for (const field of ['score', 'option', 'sealedComment', 'keyId']) expect(stored).not.toHaveProperty(field);

      // One event, though erased twice.
      const events = await eventually('FeedbackErased', async () => {
        const found = await erasedEvents(requestId);
        return found.length > 0 ? found : undefined;
      });
      expect(events).toHaveLength(1);
      const event = JSON.parse(events[0]!.value!.toString()) as { type: string; source: string; correlationId: string; data: Record<string, unknown> };
      expect(event).toMatchObject({
        type: 'FeedbackErased',
        source: 'feedback-store',
        correlationId: answer.correlationId,
        data: { requestId, businessId: business.businessId, erasedBy: business.admin.userId, erasedAt: (stored!.erased as { erasedAt: Date }).erasedAt.toISOString() },
      });

      // Final: a replay of the answer (new event id) does not bring it back.
      await deliver({ ...answer, id: randomUUID() });
      const after = await rawAnswer(requestId);
      expect(after).toEqual(stored);
      const item = ((await list(business.businessId, asAdmin(), '?limit=200')).body.items as Item[]).find((i) => i.requestId === requestId);
      expect(item).not.toHaveProperty('score');
      expect(item).not.toHaveProperty('comment');
      expect(await erasedEvents(requestId)).toHaveLength(1);
    });
  });

  it('documents both routes with their error codes in the OpenAPI document', async () => {
    const document = (await (await fetch(`${serviceUrl('feedback-store')}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: { name: string }[] }>>;
    };
    const listRoute = document.paths['/v1/businesses/{businessId}/feedback'];
    const eraseRoute = document.paths['/v1/businesses/{businessId}/feedback/{requestId}'];
    expect(Object.keys(listRoute ?? {})).toEqual(['get']);
    expect(Object.keys(eraseRoute ?? {})).toEqual(['delete']);
    expect(Object.keys(listRoute!.get!.responses).sort()).toEqual(['200', '400', '401', '403']);
    expect(listRoute!.get!.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['businessId', 'limit', 'cursor']));
    expect(Object.keys(eraseRoute!.delete!.responses).sort()).toEqual(['204', '400', '401', '403', '404']);
  });

  describe('deleting the conversation (F10)', () => {
    it('leaves the stored answer untouched', async () => {
      const answer = submitted(business, { representativeIds: [business.member.userId] });
      await deliver(answer);
      const { requestId, conversationId, userId } = dataOf(answer);
      const before = await rawAnswer(requestId);

      const deleted = envelope('ConversationDeleted', { conversationId, userId, deletedAt: new Date().toISOString() });
      await publish(CONVERSATIONS, [{ key: conversationId, value: JSON.stringify(deleted) }]);
      await processed(deleted.id);

      expect(await rawAnswer(requestId)).toEqual(before);
      const item = ((await list(business.businessId, asMember(), '?limit=200')).body.items as Item[]).find((i) => i.requestId === requestId);
      expect(item).toMatchObject({ requestId, conversationId, score: 4, comment: dataOf(answer).comment });
    });
  });
});
