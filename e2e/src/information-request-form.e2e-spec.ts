/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { respondentLinkKey, signRespondentLink } from '@feedback/auth';
import { DEV_JWT_SECRET } from '@feedback/config';
import { axeViolations, eventually, launchBrowser, publishBusiness, publishReview, publishUser, serviceUrl, token } from './support';

const artifacts = join(__dirname, '..', 'artifacts');

async function newRequest(language: string): Promise<{ link: string; requestId: string; businessId: string; bearer: string }> {
  const business = await publishBusiness({ name: 'Cykelværkstedet', referenceNumberLabel: 'Bookingnummer' });
  const reviewer = await publishUser(language);
  const reviewId = await publishReview(business.businessId, reviewer.userId);
  const bearer = token('business', { sub: business.admin.userId, businessId: business.businessId });
  const created = await eventually('the request to be accepted', async () => {
    const response = await fetch(`${serviceUrl('requests')}/v1/businesses/${business.businessId}/reviews/${reviewId}/information-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: '{}',
    });
    return response.status === 201 ? ((await response.json()) as { id: string }) : undefined;
  });
  const key = respondentLinkKey(DEV_JWT_SECRET);
  const link = `${serviceUrl('requests')}/respond/${signRespondentLink({ purpose: 'information-request', subjectId: created.id, language }, key, new Date(Date.now() + 3_600_000))}`;
  return { link, requestId: created.id, businessId: business.businessId, bearer };
}

describe('the information-request form in a real browser (I3, WCAG 2.2 AA)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    mkdirSync(artifacts, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('is accessible, works by keyboard alone, shows errors beside their fields and keeps what was typed', async () => {
    const { link, requestId, businessId, bearer } = await newRequest('da-DK');
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(link);
    expect(await page.getAttribute('html', 'lang')).toBe('da');
    await expect(page.title()).resolves.toContain('Cykelværkstedet');
    expect(await page.textContent('legend >> nth=1')).toBe('Bookingnummer');
    expect(await axeViolations(page)).toEqual([]);

    // Keyboard only: tab to the email checkbox, tick it, type a bad address, submit.
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('share-email');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.type('ikke-en-adresse');
    await page.focus('#share-referenceNumber');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.type('BK-2211');
    await page.focus('button[type=submit] >> nth=0');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    expect(await page.getAttribute('#email', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#email', 'aria-describedby')).toBe('email-error');
    expect(await page.textContent('#email-error')).toContain('e-mailadresse');
    expect(await page.inputValue('#email')).toBe('ikke-en-adresse');
    expect(await page.inputValue('#referenceNumber')).toBe('BK-2211');
    expect(await page.isChecked('#share-referenceNumber')).toBe(true);
    expect(await axeViolations(page)).toEqual([]);

    await page.fill('#email', 'rigtig@mail.example');
    await page.fill('#fullName', 'Not shared because not ticked');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit] >> nth=0')]);
    expect(await page.textContent('main')).toContain('Tak. Dine oplysninger er delt med Cykelværkstedet.');
    await page.screenshot({ path: join(artifacts, 'information-request-answered.png'), fullPage: true });
    await context.close();

    const view = await fetch(`${serviceUrl('requests')}/v1/businesses/${businessId}/information-requests/${requestId}`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(await view.json()).toMatchObject({ status: 'answered', outcome: { sharedFields: ['email', 'referenceNumber'] } });
  });

  it('declines with one button and refuses a second visit', async () => {
    const { link } = await newRequest('es');
    const page = await browser.newPage();
    await page.goto(link);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await Promise.all([page.waitForNavigation(), page.click('form.decline button')]);
    expect(await page.textContent('main')).toContain('Has rechazado la solicitud.');
    const again = await page.goto(link);
    expect(again?.status()).toBe(409);
    expect(await page.textContent('main')).toContain('Esta solicitud ya tiene respuesta.');
    await page.close();
  });
});
