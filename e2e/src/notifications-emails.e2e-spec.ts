import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { respondentLinkKey, verifyRespondentLink } from '@feedback/auth';
import { DEV_JWT_SECRET, parseIsoDuration } from '@feedback/config';
import { collect, envelope, eventually, inbox, mailTo, personal, profile, publish, publishAndAwaitConsumed, serviceEnv, serviceUrl, token, withDatabase } from './support';

// Black-box: upstream profiles and request events go in through Kafka, built by hand
// as the upstream systems and the requests service would; emails come out in MailDev.
const USERS = 'upstream.users.v1';
const BUSINESSES = 'upstream.businesses.v1';
const INFO = 'info.requests.v1';
const FEEDBACK = 'feedback.requests.v1';

interface LogItem {
  notificationId: string;
  recipient: string | null;
  userId?: string;
  kind: string;
  language: string;
  status: 'sent' | 'failed';
  attempts: number;
  reason?: string;
  at: string;
}

const unique = (label: string) => `${label}-${randomUUID()}`;
const address = (label: string) => `${label}.${randomUUID()}@example.com`;
const integrity = () => ({ authorization: `Bearer ${token('integrity')}` });

async function deliveryLog(query: Record<string, string>): Promise<{ status: number; body: { items: LogItem[]; nextCursor?: string } & Record<string, unknown> }> {
  const response = await fetch(`${serviceUrl('notifications')}/v1/notifications?${new URLSearchParams(query)}`, { headers: integrity() });
  return { status: response.status, body: (await response.json()) as never };
}

function linkKey(): string {
  const env = serviceEnv('notifications');
  return respondentLinkKey(env.AUTH_JWT_SECRET || DEV_JWT_SECRET, env.RESPONDENT_LINK_SECRET || undefined);
}

/** A person, a business with two users, and the directory entries the notifications service needs. */
async function world(options: { reviewerLanguage: string; ownerLanguage: string; memberLanguage?: string }) {
  const reviewer = { userId: unique('reviewer'), email: address('reviewer') };
  const owner = { userId: unique('owner'), email: address('owner'), preferredLanguage: options.ownerLanguage, role: 'admin' };
  const member = { userId: unique('member'), email: address('member'), preferredLanguage: options.memberLanguage ?? options.ownerLanguage, role: 'member' };
  const businessId = unique('business');
  const businessName = `Bakkerij Jansen ${businessId.slice(-6)}`;
  await publish(USERS, [
    {
      key: reviewer.userId,
      value: JSON.stringify(envelope('UserProfileUpdated', { userId: reviewer.userId, email: reviewer.email, preferredLanguage: options.reviewerLanguage, displayName: personal('Ann Peeters') })),
    },
  ]);
  await publish(BUSINESSES, [
    {
      key: businessId,
      value: JSON.stringify(
        envelope('BusinessProfileUpdated', {
          businessId,
          name: businessName,
          privacyPolicyUrl: 'https://jansen.example/privacy',
          referenceNumberLabel: 'ordernummer',
          users: [owner, member],
        }),
      ),
    },
  ]);
  await eventually('the reviewer in the contact directory', async () => {
    const response = await fetch(`${serviceUrl('notifications')}/v1/contacts/${encodeURIComponent(reviewer.userId)}`, { headers: integrity() });
    return response.status === 200 ? true : undefined;
  });
  await eventually('the business in the business directory', () =>
    withDatabase('notifications', async (db) => ((await db.collection('businesses').findOne({ _id: businessId as never })) ? true : undefined)),
  );
  return { reviewer, owner, member, businessId, businessName };
}

function informationEvent(type: string, data: Record<string, unknown>) {
  return envelope(type, data, { source: 'requests' });
}

/** An information request to `reviewerId`, answerable for an hour, as the requests service would publish it. */
async function requestInformation(businessId: string, reviewerId: string, requestedBy: string): Promise<void> {
  const requestId = unique('ir');
  const requested = informationEvent('InformationRequested', {
    requestId,
    businessId,
    reviewId: unique('review'),
    reviewerId,
    requestedBy,
    requestedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  await publish(INFO, [{ key: requestId, value: JSON.stringify(requested) }]);
}

describe('notifications: information request emails', () => {
  it('emails the reviewer the standard request in their language, with a working link, and logs the delivery', async () => {
    const { reviewer, owner, businessId, businessName } = await world({ reviewerLanguage: 'nl-BE', ownerLanguage: 'en' });
    const requestId = unique('ir');
    const expiresAt = new Date(Date.now() + 72 * 3_600_000);
    expiresAt.setUTCMilliseconds(0);
    const requested = informationEvent('InformationRequested', {
      requestId,
      businessId,
      reviewId: unique('review'),
      reviewerId: reviewer.userId,
      requestedBy: owner.userId,
      requestedAt: new Date().toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    await publish(INFO, [{ key: requestId, value: JSON.stringify(requested) }]);

    const [mail] = await mailTo(reviewer.email);
    expect(mail!.headers['content-language']).toBe('nl');
    expect(mail!.subject).toBe(`${businessName} wil je graag terugvinden in zijn klantenbestand`);
    expect(mail!.html).toMatch(/<html lang="nl"/);
    expect(mail!.text).toContain('Hallo Ann Peeters,');
    expect(mail!.text).toContain('- Ordernummer');
    expect(mail!.text).toContain('Je kunt het verzoek ook weigeren');
    expect(mail!.text).toContain(new Intl.DateTimeFormat('nl', { dateStyle: 'long', timeZone: 'UTC' }).format(expiresAt));

    const base = serviceEnv('notifications').PUBLIC_BASE_URL!.replace(/\/$/, '');
    const link = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/respond/([\\w-]+\\.[\\w-]+\\.[\\w-]+)`).exec(mail!.text!);
    expect(link).not.toBeNull();
    expect(mail!.html).toContain(`href="${link![0]}"`);
    expect(verifyRespondentLink(link![1]!, 'information-request', linkKey())).toEqual({
      ok: true,
      link: { purpose: 'information-request', subjectId: requestId, language: 'nl' },
    });

    const log = await eventually('the delivery in the log', async () => {
      const { status, body } = await deliveryLog({ recipient: reviewer.email.toUpperCase() });
      return status === 200 && body.items.length === 1 ? body.items : undefined;
    });
    expect(log[0]).toMatchObject({ recipient: reviewer.email, userId: reviewer.userId, kind: 'information-request', language: 'nl', status: 'sent', attempts: 1 });
    expect(new Date(log[0]!.at).getTime()).not.toBeNaN();

    const [sent] = await collect('notifications.v1', (m) => m.key?.toString() === log[0]!.notificationId, (found) => found.length >= 1);
    const announced = JSON.parse(sent!.value!.toString()) as { type: string; correlationId: string; data: Record<string, unknown> };
    expect(announced).toMatchObject({ type: 'EmailSent', correlationId: requested.correlationId, data: { notificationId: log[0]!.notificationId, kind: 'information-request', language: 'nl', attempts: 1 } });
    expect(sent!.value!.toString()).not.toContain(reviewer.email);

    const stored = await withDatabase('notifications', (db) => db.collection('deliveries').findOne({ _id: log[0]!.notificationId as never }));
    expect(stored).toMatchObject({ status: 'sent', kind: 'information-request', sealedRecipient: { ciphertext: expect.any(String) }, recipientHash: expect.any(String) });
    expect(JSON.stringify(stored)).not.toContain(reviewer.email);
    expect(JSON.stringify(stored)).not.toContain('klantenbestand');
  });

  it('tells the outcome only to the business user who sent the request, in that user\'s language', async () => {
    const { owner, member, businessId } = await world({ reviewerLanguage: 'en', ownerLanguage: 'da', memberLanguage: 'en' });
    const ref = { requestId: unique('ir'), businessId, reviewId: unique('review'), requestedBy: owner.userId, requestedAt: new Date(Date.now() - 80 * 3_600_000).toISOString() };
    await publish(INFO, [{ key: ref.requestId, value: JSON.stringify(informationEvent('InformationRequestExpired', { ...ref, expiredAt: new Date().toISOString() })) }]);

    const [expired] = await mailTo(owner.email);
    expect(expired!.headers['content-language']).toBe('da');
    expect(expired!.html).toMatch(/<html lang="da"/);
    expect(expired!.subject).toBe('Din anmodning om oplysninger er udløbet uden svar');
    expect(expired!.text).toContain('ikke baseret på en ægte oplevelse');
    expect(expired!.text).toContain('svare offentligt på anmeldelsen');

    const answered = { ...ref, requestId: unique('ir') };
    await publish(INFO, [
      { key: answered.requestId, value: JSON.stringify(informationEvent('InformationProvided', { ...answered, sharedFields: ['email', 'referenceNumber'], providedAt: new Date().toISOString() })) },
    ]);
    const mails = await mailTo(owner.email, 2);
    const provided = mails.find((mail) => mail.subject === 'Din anmodning om oplysninger er blevet besvaret');
    expect(provided).toBeDefined();
    expect(provided!.text).toContain('e-mailadresse og ordernummer');

    // Both emails went out: had the member been a recipient, their copies would be there by now.
    expect(await inbox(member.email)).toEqual([]);
    const { body } = await deliveryLog({ recipient: owner.email });
    expect(body.items.map((item) => [item.kind, item.language, item.status, item.userId])).toEqual([
      ['information-outcome', 'da', 'sent', owner.userId],
      ['information-outcome', 'da', 'sent', owner.userId],
    ]);
  });

  it('sends one email when the same event is delivered twice, even past the consumer\'s own dedup', async () => {
    const { owner, businessId } = await world({ reviewerLanguage: 'en', ownerLanguage: 'fr' });
    const ref = { requestId: unique('ir'), businessId, reviewId: unique('review'), requestedBy: owner.userId, requestedAt: new Date().toISOString() };
    const declined = informationEvent('InformationDeclined', { ...ref, declinedAt: new Date().toISOString() });
    await publish(INFO, [
      { key: ref.requestId, value: JSON.stringify(declined) },
      { key: ref.requestId, value: JSON.stringify(declined) },
    ]);
    const [mail] = await mailTo(owner.email);
    expect(mail!.headers['content-language']).toBe('fr');
    expect(mail!.subject).toBe("Votre demande d'informations a été refusée");

    // As if the service had crashed after sending but before marking the event processed.
    await eventually('the event marked processed', () =>
      withDatabase('notifications', async (db) => ((await db.collection('processed_events').findOne({ _id: declined.id as never })) ? true : undefined)),
    );
    await withDatabase('notifications', (db) => db.collection('processed_events').deleteOne({ _id: declined.id as never }));
    const marker = informationEvent('InformationRequestExpired', { ...ref, expiredAt: new Date().toISOString() });
    await publish(INFO, [
      { key: ref.requestId, value: JSON.stringify(declined) },
      // Same key, same partition: once the marker's email is out, the redelivery was handled.
      { key: ref.requestId, value: JSON.stringify(marker) },
    ]);
    const mails = await mailTo(owner.email, 2);
    await eventually('the redelivery marked processed', () =>
      withDatabase('notifications', async (db) => ((await db.collection('processed_events').findOne({ _id: declined.id as never })) ? true : undefined)),
    );
    expect(mails.map((m) => m.subject).sort()).toEqual(["Votre demande d'informations a expiré sans réponse", "Votre demande d'informations a été refusée"]);
    expect(await inbox(owner.email)).toHaveLength(2);
    const { body } = await deliveryLog({ recipient: owner.email });
    expect(body.items).toHaveLength(2);
  });

  it('records an email to an unknown person as failed (recipient unknown) and announces it', async () => {
    const { owner, businessId } = await world({ reviewerLanguage: 'en', ownerLanguage: 'en' });
    const stranger = unique('stranger');
    await requestInformation(businessId, stranger, owner.userId);
    const item = await eventually('the failed delivery in the log', async () => {
      const { body } = await deliveryLog({ status: 'failed', limit: '200' });
      return body.items.find((candidate) => candidate.userId === stranger);
    });
    expect(item).toMatchObject({ kind: 'information-request', status: 'failed', reason: 'recipient unknown', recipient: null, language: 'en' });
    const [failed] = await collect('notifications.v1', (m) => m.key?.toString() === item.notificationId, (found) => found.length >= 1);
    expect(JSON.parse(failed!.value!.toString())).toMatchObject({ type: 'EmailFailed', data: { notificationId: item.notificationId, reason: 'recipient unknown' } });
  });

  it('holds an email whose recipient profile arrives after the request, and sends it as soon as the profile is there', async () => {
    const { owner, businessId } = await world({ reviewerLanguage: 'en', ownerLanguage: 'en' });
    const late = { userId: unique('late-reviewer'), email: address('late') };
    const requestedAt = Date.now();
    await requestInformation(businessId, late.userId, owner.userId);
    // The request is consumed first; its recipient's profile comes a little later, on its own topic.
    await eventually('the email waiting for its recipient', () =>
      withDatabase('notifications', async (db) => ((await db.collection('deliveries').findOne({ userId: late.userId, status: 'waiting' })) ? true : undefined)),
    );
    // Operators see it on /metrics: the gauge is the delivery log's count of waiting emails (read
    // between two counts of the store, retried in case another suite parked or released one meanwhile).
    await eventually('the waiting emails on /metrics', async () => {
      const countWaiting = () => withDatabase('notifications', (db) => db.collection('deliveries').countDocuments({ status: 'waiting' }));
      const before = await countWaiting();
      const metrics = await (await fetch(`${serviceUrl('notifications')}/metrics`)).text();
      const after = await countWaiting();
      const gauge = Number(/^notifications_waiting_emails (\S+)$/m.exec(metrics)?.[1]);
      const due = Number(/^notifications_waiting_emails_due (\S+)$/m.exec(metrics)?.[1]);
      return gauge >= 1 && gauge >= Math.min(before, after) && gauge <= Math.max(before, after) && due >= 0 && due <= gauge ? true : undefined;
    });
    await publish(USERS, [{ key: late.userId, value: JSON.stringify(envelope('UserProfileUpdated', { userId: late.userId, email: late.email, preferredLanguage: 'fr', displayName: 'Léa' })) }]);

    const mails = await mailTo(late.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.headers['content-language']).toBe('fr');
    const item = await eventually('the sent delivery in the log', async () => (await deliveryLog({ recipient: late.email })).body.items.find((i) => i.status === 'sent'));
    expect(item).toMatchObject({ userId: late.userId, kind: 'information-request', attempts: 1 });
    // Sent because the profile's arrival released it, not at the end of its wait (EMAIL_PROFILE_WAIT),
    // when a waiting email is next looked at: it is not polled in between.
    const wait = parseIsoDuration(serviceEnv('notifications').EMAIL_PROFILE_WAIT || 'PT15M');
    expect(new Date(item.at).getTime()).toBeLessThan(requestedAt + wait);
  });

  it('emails a feedback request with the survey link and the business privacy policy', async () => {
    const { reviewer, owner, businessId, businessName } = await world({ reviewerLanguage: 'es-MX', ownerLanguage: 'en' });
    const requestId = unique('fr');
    await publish(FEEDBACK, [{ key: requestId, value: JSON.stringify(feedbackRequested(requestId, businessId, reviewer.userId, owner.userId)) }]);
    const [mail] = await mailTo(reviewer.email);
    expect(mail!.headers['content-language']).toBe('es');
    expect(mail!.subject).toBe(`¿Qué tal fue tu conversación con ${businessName}?`);
    expect(mail!.html).toContain('href="https://jansen.example/privacy"');
    const token = /\/respond\/([\w-]+\.[\w-]+\.[\w-]+)/.exec(mail!.text!)![1]!;
    expect(verifyRespondentLink(token, 'feedback-request', linkKey())).toEqual({ ok: true, link: { purpose: 'feedback-request', subjectId: requestId, language: 'es' } });
  });

  // The consumer of feedback requests keeps no processed-event record (the hot topic): the email's
  // delivery record, keyed by the event, is what makes a redelivery send nothing.
  it('sends a feedback request email once, however often its event is delivered', async () => {
    const { reviewer, owner, businessId } = await world({ reviewerLanguage: 'en', ownerLanguage: 'en' });
    const requestId = unique('fr');
    const message = { key: requestId, value: JSON.stringify(feedbackRequested(requestId, businessId, reviewer.userId, owner.userId)) };
    await publish(FEEDBACK, [message, message]);
    expect(await mailTo(reviewer.email)).toHaveLength(1);
    // Delivered again after the email went out, as after a crash before the offsets were committed.
    await publishAndAwaitConsumed('notifications', FEEDBACK, [message]);
    expect(await inbox(reviewer.email)).toHaveLength(1);
    const { body } = await deliveryLog({ recipient: reviewer.email });
    expect(body.items).toHaveLength(1);
  });
});

/** A FeedbackRequested as the requests service publishes it. */
function feedbackRequested(requestId: string, businessId: string, userId: string, requestedBy: string) {
  return envelope(
    'FeedbackRequested',
    {
      requestId,
      businessId,
      test: false,
      conversationId: unique('conversation'),
      userId,
      requestedBy,
      survey: { type: 'csat' },
      requestedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 7 * 24 * 3_600_000).toISOString(),
    },
    { source: 'requests' },
  );
}

describe('notifications: delivery log API', () => {
  it('pages newest first with a cursor', async () => {
    const { owner, businessId } = await world({ reviewerLanguage: 'en', ownerLanguage: 'de' });
    for (const suffix of ['a', 'b', 'c']) {
      const requestId = unique(`ir-${suffix}`);
      await publish(INFO, [
        {
          key: requestId,
          value: JSON.stringify(
            informationEvent('InformationDeclined', {
              requestId,
              businessId,
              reviewId: unique('review'),
              requestedBy: owner.userId,
              requestedAt: new Date().toISOString(),
              declinedAt: new Date().toISOString(),
            }),
          ),
        },
      ]);
    }
    await mailTo(owner.email, 3);
    const all = await eventually('three deliveries', async () => {
      const { body } = await deliveryLog({ recipient: owner.email });
      return body.items.length === 3 ? body.items : undefined;
    });
    const times = all.map((item) => new Date(item.at).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const first = await deliveryLog({ recipient: owner.email, limit: '2' });
    expect(first.body.items.map((item) => item.notificationId)).toEqual(all.slice(0, 2).map((item) => item.notificationId));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await deliveryLog({ recipient: owner.email, limit: '2', cursor: first.body.nextCursor! });
    expect(second.body.items.map((item) => item.notificationId)).toEqual([all[2]!.notificationId]);
    expect(second.body.nextCursor).toBeUndefined();

    const unfiltered = await deliveryLog({ status: 'sent', limit: '200' });
    const masked = unfiltered.body.items.find((item) => item.notificationId === all[0]!.notificationId);
    expect(masked?.recipient).toBe(`${owner.email[0]}***@example.com`);
    expect((await deliveryLog({ recipient: owner.email, status: 'failed' })).body.items).toEqual([]);
  });

  it.each([
    [{ status: 'bounced' }, 'status'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '201' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ recipient: 'not-an-address' }, 'recipient'],
    [{ cursor: 'garbage' }, 'cursor'],
  ])('answers %j with 400 validation_failed', async (query, field) => {
    const { status, body } = await deliveryLog(query as Record<string, string>);
    expect(status).toBe(400);
    expect(body).toMatchObject({ statusCode: 400, error: 'validation_failed' });
    expect(JSON.stringify(body.fields)).toContain(field);
  });

  it('is for the integrity team only', async () => {
    const url = `${serviceUrl('notifications')}/v1/notifications`;
    expect((await fetch(url)).status).toBe(401);
    const business = await fetch(url, { headers: { authorization: `Bearer ${token('business', { businessId: 'b1' })}` } });
    expect(business.status).toBe(403);
    expect(await business.json()).toMatchObject({ error: 'forbidden' });
  });

  it('is documented in the OpenAPI document', async () => {
    const document = (await (await fetch(`${serviceUrl('notifications')}/docs-json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters: { name: string }[] }>> };
    const operation = document.paths['/v1/notifications']?.get;
    expect(operation).toBeDefined();
    expect(Object.keys(operation!.responses).sort()).toEqual(['200', '400', '401', '403']);
    expect(operation!.parameters.map((p) => p.name).sort()).toEqual(['cursor', 'limit', 'recipient', 'status']);
  });

  it('keeps addresses out of the service log, including the one searched for', async () => {
    const searched = address('searched');
    expect((await deliveryLog({ recipient: searched })).status).toBe(200);
    const logFile = join(profile().dataDir, 'logs', 'notifications.log');
    await eventually('the search in the request log', async () => (readFileSync(logFile, 'utf8').includes('/v1/notifications?recipient=[REDACTED]') ? true : undefined));
    const log = readFileSync(logFile, 'utf8');
    expect(log).not.toContain(searched.split('@')[0]);
    expect(log).not.toMatch(/(@|%40)example\.com/i);
  });
});
