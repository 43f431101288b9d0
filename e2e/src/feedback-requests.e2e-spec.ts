import { randomUUID } from 'node:crypto';
import { respondentLinkKey, signRespondentLink } from '@feedback/auth';
import { DEV_JWT_SECRET } from '@feedback/config';
import {
  eventually,
  profile,
  publishBusiness,
  publishConversation,
  publishUser,
  readAll,
  serviceUrl,
  startExtraInstance,
  token,
  type BusinessFixture,
} from './support';

const api = () => serviceUrl('requests');
const linkKey = respondentLinkKey(DEV_JWT_SECRET);
const link = (requestId: string, language = 'en', base = api()) =>
  `${base}/respond/${signRespondentLink({ purpose: 'feedback-request', subjectId: requestId, language }, linkKey, new Date(Date.now() + 3_600_000))}`;

type Survey = { type: 'csat' | 'nps' | 'custom'; options?: string[] };

async function requestFeedback(business: BusinessFixture, body: Record<string, unknown>, base = api()) {
  const response = await fetch(`${base}/v1/businesses/${business.businessId}/feedback-requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token('business', { sub: business.admin.userId, businessId: business.businessId })}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Requests feedback once requests knows the conversation and the business profile (422 until then). */
async function requestWhenKnown(business: BusinessFixture, conversationId: string, userId: string, survey: Survey = { type: 'csat' }, extra: Record<string, unknown> = {}, base = api()) {
  return eventually(`requests to know conversation ${conversationId}`, async () => {
    const result = await requestFeedback(business, { conversationId, userId, survey, ...extra }, base);
    return result.status === 422 ? undefined : result;
  });
}

async function postJson(url: string, body: unknown) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('feedback requests (F1–F15, requests service)', () => {
  let business: BusinessFixture;
  beforeAll(async () => {
    business = await publishBusiness({ name: 'Fietsenmaker' });
  });

  it('needs a prior private conversation with that person (F1)', async () => {
    const person = await publishUser('en');
    const conversationId = await publishConversation(business.businessId, person.userId, [business.member.userId]);
    // Known conversation, wrong person: still no interaction with *that* person.
    await requestWhenKnown(business, conversationId, person.userId);
    const stranger = await requestFeedback(business, { conversationId, userId: `someone-${randomUUID()}`, survey: { type: 'csat' } });
    expect(stranger).toMatchObject({ status: 422, body: { error: 'no_prior_interaction' } });
    const unknown = await requestFeedback(business, { conversationId: `conv-${randomUUID()}`, userId: person.userId, survey: { type: 'csat' } });
    expect(unknown).toMatchObject({ status: 422, body: { error: 'no_prior_interaction' } });
  });

  it('allows one request per conversation, also under concurrent calls (F3)', async () => {
    const person = await publishUser('en');
    const conversationId = await publishConversation(business.businessId, person.userId);
    const other = await publishBusiness();
    const otherConversation = await publishConversation(other.businessId, person.userId);
    const first = await requestWhenKnown(business, conversationId, person.userId);
    expect(first).toMatchObject({ status: 201, body: { status: 'pending' } });
    const again = await Promise.all(Array.from({ length: 4 }, () => requestFeedback(business, { conversationId, userId: person.userId, survey: { type: 'nps' } })));
    expect(again.map((r) => r.status)).toEqual([409, 409, 409, 409]);
    expect(again[0]!.body).toMatchObject({ error: 'already_requested' });
    // The concurrent refusals did not use up the person's platform quota (F14 counts sent requests only).
    expect((await requestWhenKnown(other, otherConversation, person.userId)).status).toBe(201);
  });

  it('validates the survey before the rules (F4, order of checks)', async () => {
    const bad = await requestFeedback(business, { conversationId: `conv-${randomUUID()}`, userId: 'u', survey: { type: 'custom', options: ['Only one'] } });
    expect(bad).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    expect(JSON.stringify(bad.body.fields)).toContain('survey.options');
    expect((await requestFeedback(business, { conversationId: 'c', userId: 'u', survey: { type: 'stars' } })).status).toBe(400);
    expect((await requestFeedback(business, { conversationId: 'c', userId: 'u', survey: { type: 'csat', options: ['a', 'b'] } })).status).toBe(400);
    expect((await requestFeedback(business, { conversationId: 'c', userId: 'u', survey: { type: 'custom', options: Array.from({ length: 11 }, (_, i) => `o${i}`) } })).status).toBe(400);
  });

  it('refuses a business without a privacy policy (F11)', async () => {
    const noPolicy = await publishBusiness({ privacyPolicyUrl: null });
    const person = await publishUser('en');
    const conversationId = await publishConversation(noPolicy.businessId, person.userId);
    const result = await eventually('the conversation to be known', async () => {
      const r = await requestFeedback(noPolicy, { conversationId, userId: person.userId, survey: { type: 'csat' } });
      return r.body.error === 'no_prior_interaction' ? undefined : r;
    });
    expect(result).toMatchObject({ status: 422, body: { error: 'privacy_policy_missing' } });
  });

  it('does not pester people: one per business and three across the platform per 24 h (F14)', async () => {
    const person = await publishUser('en');
    const businesses = [business, ...(await Promise.all([publishBusiness(), publishBusiness(), publishBusiness()]))];
    const conversations = await Promise.all(businesses.map((b) => publishConversation(b.businessId, person.userId)));
    const secondWithFirst = await publishConversation(business.businessId, person.userId);
    expect((await requestWhenKnown(businesses[0]!, conversations[0]!, person.userId)).status).toBe(201);
    expect(await requestWhenKnown(business, secondWithFirst, person.userId)).toMatchObject({ status: 429, body: { error: 'recipient_rate_limited' } });
    expect((await requestWhenKnown(businesses[1]!, conversations[1]!, person.userId)).status).toBe(201);
    expect((await requestWhenKnown(businesses[2]!, conversations[2]!, person.userId)).status).toBe(201);
    expect(await requestWhenKnown(businesses[3]!, conversations[3]!, person.userId)).toMatchObject({ status: 429, body: { error: 'recipient_rate_limited' } });
  });

  it('takes exactly one answer, validated against the survey; no route replaces it (F2, F4, F6)', async () => {
    const person = await publishUser('en');
    const conversationId = await publishConversation(business.businessId, person.userId);
    const created = await requestWhenKnown(business, conversationId, person.userId, { type: 'custom', options: ['Fast', 'Friendly', 'Slow'] });
    const requestId = created.body.id as string;
    const url = link(requestId);
    expect((await postJson(url, { option: 'Rude' })).body).toMatchObject({ error: 'validation_failed' });
    expect((await postJson(url, { score: 5 })).status).toBe(400);
    expect((await postJson(url, { option: 'Fast', comment: 'x'.repeat(2001) })).body).toMatchObject({ error: 'validation_failed' });
    expect(await postJson(url, { option: 'Friendly', comment: 'Quick and kind.' })).toMatchObject({ status: 201, body: { id: requestId, status: 'answered' } });
    expect(await postJson(url, { option: 'Slow' })).toMatchObject({ status: 409, body: { error: 'already_answered' } });
    for (const method of ['PUT', 'PATCH']) expect((await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
    // F2: nothing accepts an answer without the link.
    const withoutLink = await fetch(`${api()}/v1/businesses/${business.businessId}/feedback-requests/${requestId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token('business', { businessId: business.businessId })}`, 'content-type': 'application/json' },
      body: JSON.stringify({ option: 'Fast' }),
    });
    expect(withoutLink.status).toBe(404);

    const submitted = await eventually('FeedbackSubmitted', async () => {
      const found = await readAll('feedback.requests.v1', (m) => m.key?.toString() === requestId && m.value!.toString().includes('"FeedbackSubmitted"'));
      return found.length > 0 ? found : undefined;
    });
    expect(submitted).toHaveLength(1);
    expect(JSON.parse(submitted[0]!.value!.toString()).data).toMatchObject({ option: 'Friendly', surveyType: 'custom', test: false, sealedComment: { keyId: expect.any(String) } });
    // Free text never travels in clear on the topic.
    expect(submitted[0]!.value!.toString()).not.toContain('Quick and kind.');
  });

  it('offers the share prompt after answering when the business enabled it, and posts nothing (F9)', async () => {
    const withPrompt = await publishBusiness({ name: 'Kaffebaren' });
    const admin = token('business', { sub: withPrompt.admin.userId, businessId: withPrompt.businessId });
    const settingsUrl = `${api()}/v1/businesses/${withPrompt.businessId}/settings`;
    const put = (bearer: string, body: unknown) => fetch(settingsUrl, { method: 'PUT', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const member = token('business', { sub: withPrompt.member.userId, businessId: withPrompt.businessId });
    const saved = await eventually('the profile to be known', async () => {
      const response = await put(admin, { sharePrompt: { enabled: true, url: 'https://reviews.example/kaffebaren' } });
      return response.status === 200 ? response.json() : undefined;
    });
    expect(saved).toMatchObject({ sharePrompt: { enabled: true, url: 'https://reviews.example/kaffebaren' }, feedbackWindowDays: 7 });
    expect((await put(member, { sharePrompt: false })).status).toBe(403);
    expect((await put(admin, { feedbackWindowDays: 0 })).status).toBe(400);

    const person = await publishUser('da');
    const conversationId = await publishConversation(withPrompt.businessId, person.userId);
    const created = await requestWhenKnown(withPrompt, conversationId, person.userId, { type: 'nps' });
    const page = await fetch(link(created.body.id as string, 'da'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'choice=9&comment=' });
    expect(page.status).toBe(201);
    const html = await page.text();
    expect(html).toContain('<html lang="da">');
    expect(html).toContain('Vil du fortælle andre om din oplevelse?');
    expect(html).toContain('href="https://reviews.example/kaffebaren"');

    // The pages keep a business for a few seconds; a change of its settings shows at once all the same.
    expect((await put(admin, { sharePrompt: { enabled: false } })).status).toBe(200);
    const other = await publishUser('da');
    const next = await requestWhenKnown(withPrompt, await publishConversation(withPrompt.businessId, other.userId), other.userId, { type: 'nps' });
    const after = await fetch(link(next.body.id as string, 'da'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'choice=7&comment=' });
    expect(after.status).toBe(201);
    const withoutPrompt = await after.text();
    expect(withoutPrompt).toContain('<html lang="da">');
    expect(withoutPrompt).not.toContain('Vil du fortælle andre om din oplevelse?');
    expect(withoutPrompt).not.toContain('reviews.example/kaffebaren');
  });

  it('lets the person decline (F5) and marks test requests through to the events (F15)', async () => {
    const person = await publishUser('en');
    const conversationId = await publishConversation(business.businessId, person.userId);
    const created = await requestWhenKnown(business, conversationId, person.userId, { type: 'csat' }, { test: true });
    const requestId = created.body.id as string;
    expect(await postJson(`${link(requestId)}/decline`, {})).toMatchObject({ status: 201, body: { status: 'declined' } });
    // The outbox relay publishes just after the response: wait for both events.
    const events = await eventually('both events', async () => {
      const found = await readAll('feedback.requests.v1', (m) => m.key?.toString() === requestId);
      return found.length >= 2 ? found : undefined;
    });
    expect(events.map((m) => JSON.parse(m.value!.toString())).map((e) => [e.type, e.data.test])).toEqual([
      ['FeedbackRequested', true],
      ['FeedbackDeclined', true],
    ]);
    const view = await fetch(`${api()}/v1/businesses/${business.businessId}/feedback-requests/${requestId}`, { headers: { authorization: `Bearer ${token('processor', { businessId: business.businessId })}` } });
    expect(await view.json()).toMatchObject({ status: 'declined', test: true });
  });

  describe('after the window (F5)', () => {
    let instance: { url: string; stop(): Promise<void> } | undefined;
    beforeAll(async () => {
      instance = await startExtraInstance('requests', {
        port: profile().servicePorts.requests + 60,
        env: { FEEDBACK_REQUEST_WINDOW: 'PT3S', EXPIRY_SWEEP_INTERVAL: 'PT1S', KAFKA_GROUP_ID: 'requests-feedback-window-e2e', MONGO_DB_PREFIX: 'e2e_feedback_window_' },
        logName: 'requests-feedback-window',
      });
    });
    afterAll(async () => {
      await instance?.stop();
    });

    it('expires an unanswered request once, and refuses late answers with 410', async () => {
      const person = await publishUser('en');
      const conversationId = await publishConversation(business.businessId, person.userId);
      const created = await requestWhenKnown(business, conversationId, person.userId, { type: 'csat' }, {}, instance!.url);
      const requestId = created.body.id as string;
      await eventually('the request to expire', async () => {
        const response = await fetch(`${instance!.url}/v1/businesses/${business.businessId}/feedback-requests/${requestId}`, {
          headers: { authorization: `Bearer ${token('business', { businessId: business.businessId })}` },
        });
        return ((await response.json()) as { status: string }).status === 'expired' ? true : undefined;
      });
      expect(await postJson(link(requestId, 'en', instance!.url), { score: 4 })).toMatchObject({ status: 410, body: { error: 'expired' } });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const expired = await readAll('feedback.requests.v1', (m) => m.key?.toString() === requestId && m.value!.toString().includes('"FeedbackRequestExpired"'));
      expect(expired).toHaveLength(1);
    });
  });
});
