/// <reference lib="dom" />
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { eventually, inbox, launchBrowser, linkIn, mailTo, personal, publishBusiness, publishReview, publishUser, serviceUrl, token, withDatabase } from './support';

const artifacts = join(__dirname, '..', 'artifacts');

/**
 * The whole information-request journey through the real broker, store, SMTP
 * inbox and a real browser: a business user asks, the reviewer gets the email in
 * their language, answers in the form, the requester alone learns the outcome,
 * and reads the details, which leaves an audit record (I1–I8).
 */
describe('information request journey', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('goes from the request to the audited details, telling only the requester', async () => {
    const business = await publishBusiness({ name: 'Boulangerie Dupain', referenceNumberLabel: 'Numéro de commande', adminLanguage: 'fr-FR' });
    const reviewer = await publishUser('nl-BE');
    const reviewId = await publishReview(business.businessId, reviewer.userId, { rating: 1 });
    const requester = token('business', { sub: business.admin.userId, businessId: business.businessId });

    const created = await eventually('the request', async () => {
      const response = await fetch(`${serviceUrl('requests')}/v1/businesses/${business.businessId}/reviews/${reviewId}/information-requests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${requester}`, 'content-type': 'application/json' },
        body: '{}',
      });
      return response.status === 201 ? ((await response.json()) as { id: string }) : undefined;
    });

    // I3: the reviewer's email, in their language, with the link to the form.
    const [requestMail] = await mailTo(reviewer.email);
    expect(requestMail!.headers['content-language']).toBe('nl');
    expect(requestMail!.html).toContain('<html lang="nl"');
    expect(requestMail!.html).toContain('Boulangerie Dupain');
    const link = linkIn(requestMail!);

    // The form in a real browser: share the email address and the order number.
    const page = await browser.newPage();
    await page.goto(link);
    expect(await page.getAttribute('html', 'lang')).toBe('nl');
    expect(await page.textContent('legend >> nth=1')).toBe('Numéro de commande');
    await page.check('#share-email');
    await page.fill('#email', 'reviewer.shared@mail.example');
    await page.check('#share-referenceNumber');
    await page.fill('#referenceNumber', personal('CMD-2026-118'));
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit] >> nth=0')]);
    expect(await page.textContent('main')).toContain('Bedankt');
    await page.screenshot({ path: join(artifacts, 'information-request-journey.png'), fullPage: true });
    await page.close();

    // I6: the outcome goes to the requester only, in the requester's language.
    const [outcome] = await mailTo(business.admin.email);
    expect(outcome!.headers['content-language']).toBe('fr');
    expect(outcome!.html).not.toContain('reviewer.shared@mail.example');
    expect(outcome!.html).not.toContain('CMD-2026-118');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await inbox(business.member.email)).toHaveLength(0);
    expect(await inbox(reviewer.email)).toHaveLength(1);

    const status = await fetch(`${serviceUrl('requests')}/v1/businesses/${business.businessId}/information-requests/${created.id}`, { headers: { authorization: `Bearer ${requester}` } });
    expect(await status.json()).toMatchObject({ status: 'answered', outcome: { sharedFields: ['email', 'referenceNumber'] } });

    // I7: the values, to that business only, each read audited with its purpose.
    const detailsUrl = `${serviceUrl('feedback-store')}/v1/businesses/${business.businessId}/information-requests/${created.id}/details`;
    const details = await eventually('the details in feedback-store', async () => {
      const response = await fetch(detailsUrl, { headers: { authorization: `Bearer ${requester}` } });
      return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
    });
    expect(details).toMatchObject({ details: { email: 'reviewer.shared@mail.example', referenceNumber: 'CMD-2026-118' } });
    const other = await publishBusiness();
    const outsider = await fetch(detailsUrl, { headers: { authorization: `Bearer ${token('business', { sub: other.admin.userId, businessId: other.businessId })}` } });
    expect(outsider.status).toBe(403);

    const reads = await fetch(`${detailsUrl}/reads`, { headers: { authorization: `Bearer ${requester}` } });
    const audit = (await reads.json()) as { items: { readBy: string; readAt: string; purpose: string }[] };
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ readBy: business.admin.userId, purpose: expect.stringMatching(/customer records/) });

    // Encrypted at rest: no stored document in feedback-store or requests shows a value.
    for (const service of ['feedback-store', 'requests'] as const) {
      const dump = await withDatabase(service, async (db) => {
        const collections = await db.listCollections().toArray();
        const docs = await Promise.all(collections.map((c) => db.collection(c.name).find({}).toArray()));
        return JSON.stringify(docs);
      });
      expect(dump).not.toContain('reviewer.shared@mail.example');
      expect(dump).not.toContain('CMD-2026-118');
    }
  });
});
