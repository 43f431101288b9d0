/// <reference lib="dom" />
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { axeViolations, envelope, eventually, inbox, launchBrowser, linkIn, mailTo, personal, publish, publishBusiness, publishConversation, publishUser, readAll, serviceUrl, token } from './support';

const artifacts = join(__dirname, '..', 'artifacts');

interface Item {
  requestId: string;
  score?: number;
  comment?: string;
  erased?: { erasedAt: string };
}

/**
 * The whole feedback journey through the real broker, store, SMTP inbox and a
 * real browser: a conversation, the request, the email in the person's
 * language, the form, the stored answer and who may read it, the refused second
 * answer, the deleted conversation, erasure (F1–F13).
 */
describe('feedback request journey', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('goes from a conversation to a stored, scoped, erasable answer', async () => {
    const business = await publishBusiness({ name: 'Radhaus Müller' });
    const person = await publishUser('de-AT');
    const conversationId = await publishConversation(business.businessId, person.userId, [business.member.userId]);
    const admin = token('business', { sub: business.admin.userId, businessId: business.businessId });
    const member = token('business', { sub: business.member.userId, businessId: business.businessId });
    const processor = token('processor', { sub: 'crm-sync', businessId: business.businessId });

    const created = await eventually('the feedback request', async () => {
      const response = await fetch(`${serviceUrl('requests')}/v1/businesses/${business.businessId}/feedback-requests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ conversationId, userId: person.userId, survey: { type: 'csat' } }),
      });
      return response.status === 201 ? ((await response.json()) as { id: string }) : undefined;
    });

    // The email, in the person's language, with the privacy policy and the link (F11).
    const [mail] = await mailTo(person.email);
    expect(mail!.headers['content-language']).toBe('de');
    expect(mail!.html).toContain('Radhaus Müller');
    expect(mail!.html).toContain('https://shop.example/privacy');
    const link = linkIn(mail!);

    // The form, in a real browser, by keyboard where it matters.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(link);
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    expect(await page.getAttribute('footer a', 'href')).toBe('https://shop.example/privacy');
    expect(await axeViolations(page)).toEqual([]);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit] >> nth=0')]);
    expect(page.url()).toBe(link);
    expect(await page.textContent('#choice-error')).toContain('Wählen Sie eine Option.');
    expect(await axeViolations(page)).toEqual([]);
    await page.check('#choice-3');
    await page.fill('#comment', personal('Schnelle Hilfe, danke!'));
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit] >> nth=0')]);
    expect(await page.textContent('main')).toContain('Vielen Dank');
    await page.screenshot({ path: join(artifacts, 'feedback-request-answered.png'), fullPage: true });

    // F6: a second answer is refused; the form says so.
    const second = await page.goto(link);
    expect(second?.status()).toBe(409);
    await context.close();
    const again = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ score: 1 }) });
    expect(again.status).toBe(409);

    // F7, F13: admin and processor see it, the representative sees it, another member would not.
    const list = async (bearer: string) => {
      const response = await fetch(`${serviceUrl('feedback-store')}/v1/businesses/${business.businessId}/feedback?limit=200`, { headers: { authorization: `Bearer ${bearer}` } });
      return { status: response.status, items: response.status === 200 ? ((await response.json()) as { items: Item[] }).items : [] };
    };
    const stored = await eventually('the stored answer', async () => (await list(admin)).items.find((i) => i.requestId === created.id));
    expect(stored).toMatchObject({ score: 4, comment: 'Schnelle Hilfe, danke!' });
    expect((await list(processor)).items.map((i) => i.requestId)).toContain(created.id);
    expect((await list(member)).items.map((i) => i.requestId)).toContain(created.id);
    const outsider = await publishBusiness();
    expect((await list(token('business', { sub: outsider.admin.userId, businessId: business.businessId }))).status).toBe(403);
    expect((await list(token('business', { sub: outsider.admin.userId, businessId: outsider.businessId }))).items).toHaveLength(0);

    // F10: deleting the conversation leaves the answer.
    await publish('upstream.conversations.v1', [
      { key: conversationId, value: JSON.stringify(envelope('ConversationDeleted', { conversationId, userId: person.userId, deletedAt: new Date().toISOString() })) },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await list(admin)).items.find((i) => i.requestId === created.id)).toMatchObject({ score: 4, comment: 'Schnelle Hilfe, danke!' });

    // F12: the admin erases it; the processor can't; the fact of erasure stays and is announced once.
    const erase = (bearer: string) => fetch(`${serviceUrl('feedback-store')}/v1/businesses/${business.businessId}/feedback/${created.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${bearer}` } });
    expect((await erase(processor)).status).toBe(403);
    expect((await erase(member)).status).toBe(403);
    expect((await erase(admin)).status).toBe(204);
    const tombstone = (await list(admin)).items.find((i) => i.requestId === created.id)!;
    expect(tombstone.erased).toBeDefined();
    expect(tombstone).not.toHaveProperty('score');
    expect(tombstone).not.toHaveProperty('comment');
    const erased = await eventually('FeedbackErased', async () => {
      const found = await readAll('feedback.requests.v1', (m) => m.key?.toString() === created.id && m.value!.toString().includes('"FeedbackErased"'));
      return found.length > 0 ? found : undefined;
    });
    expect(erased).toHaveLength(1);

    // Only the person was emailed about it (the request); nobody else in the business.
    expect(await inbox(business.member.email)).toHaveLength(0);
  });
});
