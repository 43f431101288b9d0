/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, envelope, eventually, launchBrowser, publish, serviceUrl, token, withDatabase } from './support';

/**
 * The analysts' dashboard in Debian's Chromium: sign-in with a token typed into
 * the form (by keyboard), charts with the expected numbers, suppressed figures
 * shown as suppressed, a filter switch, the CSV download, WCAG 2.2 AA by
 * axe-core, self-served assets under a strict CSP; a screenshot for the record.
 * Its data lives in a random month of 2051–2060.
 */

type Message = { key: string; value: string };
const artifacts = join(__dirname, '..', 'artifacts');
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
function firstMondayOfRandomMonth(): string {
  const month = new Date(Date.UTC(2051 + Math.floor(Math.random() * 10), Math.floor(Math.random() * 12), 1)).toISOString().slice(0, 10);
  return addDays(month, (8 - new Date(`${month}T00:00:00Z`).getUTCDay()) % 7);
}
const used = new Set<string>();
const id = (prefix: string) => {
  const value = `${prefix}-${randomUUID()}`;
  used.add(value);
  return value;
};

/** One feedback request per answer (undefined: never answered), as requests would publish them. */
function feedback(businessId: string, day: string, survey: 'csat' | 'nps' | 'custom', answers: (number | string | undefined)[]): Message[] {
  return answers.flatMap((answer) => {
    const requestId = id('fr');
    const userId = id('user');
    const base = { requestId, businessId, test: false, requestedAt: `${day}T09:00:00.000Z` };
    const surveyDef = survey === 'custom' ? { type: 'custom', options: ['Fast', 'Friendly', 'Slow'] } : { type: survey };
    const out = [{ key: requestId, value: JSON.stringify(envelope('FeedbackRequested', { ...base, conversationId: id('c'), userId, requestedBy: id('admin'), survey: surveyDef, expiresAt: `${addDays(day, 7)}T09:00:00.000Z` })) }];
    if (answer !== undefined) {
      const chosen = typeof answer === 'number' ? { score: answer } : { option: answer };
      out.push({ key: requestId, value: JSON.stringify(envelope('FeedbackSubmitted', { ...base, conversationId: id('c'), userId, representativeIds: [], surveyType: survey, ...chosen, submittedAt: `${day}T10:30:00.000Z` })) });
    }
    return out;
  });
}

function information(businessId: string, day: string, outcomes: (string[] | 'declined' | 'expired' | undefined)[]): Message[] {
  return outcomes.flatMap((outcome) => {
    const requestId = id('ir');
    const ref = { requestId, businessId, reviewId: id('rev'), requestedBy: id('admin'), requestedAt: `${day}T11:00:00.000Z` };
    const out = [{ key: requestId, value: JSON.stringify(envelope('InformationRequested', { ...ref, reviewerId: id('reviewer'), expiresAt: `${addDays(day, 3)}T11:00:00.000Z` })) }];
    if (Array.isArray(outcome)) out.push({ key: requestId, value: JSON.stringify(envelope('InformationProvided', { ...ref, sharedFields: outcome, providedAt: `${day}T15:00:00.000Z` })) });
    if (outcome === 'declined') out.push({ key: requestId, value: JSON.stringify(envelope('InformationDeclined', { ...ref, declinedAt: `${day}T12:00:00.000Z` })) });
    if (outcome === 'expired') out.push({ key: requestId, value: JSON.stringify(envelope('InformationRequestExpired', { ...ref, expiredAt: `${addDays(day, 3)}T11:00:00.000Z` })) });
    return out;
  });
}

function reports(businessId: string, day: string, reasons: [string, ('removed' | 'kept')?][]): Message[] {
  return reasons.flatMap(([reason, decision]) => {
    const reportId = id('report');
    const ref = { reportId, businessId, reviewId: id('rev') };
    const out = [{ key: reportId, value: JSON.stringify(envelope('ReviewReported', { ...ref, reason, reportedBy: id('admin'), reportedAt: `${day}T13:00:00.000Z` })) }];
    if (decision) out.push({ key: reportId, value: JSON.stringify(envelope('ReportResolved', { ...ref, reason, decision, reportedBy: id('admin'), decidedBy: id('integrity'), decidedAt: `${day}T17:00:00.000Z` })) });
    return out;
  });
}

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
}
/** The rows of a chart's data table, as text. */
async function tableRows(page: Page, chart: string): Promise<string[][]> {
  return page.$$eval(`#chart-${chart} tbody tr`, (rows) => rows.map((row) => Array.from(row.children).map((cell) => (cell.textContent ?? '').trim())));
}
async function summary(page: Page): Promise<Record<string, string>> {
  const pairs = await page.$$eval('#summary .metric', (items) => items.map((item) => [item.querySelector('dt')?.textContent ?? '', item.querySelector('dd')?.textContent ?? '']));
  return Object.fromEntries(pairs);
}

describe('the analytics dashboard in a real browser (A3, WCAG 2.2 AA)', () => {
  const m = firstMondayOfRandomMonth();
  const d = (n: number) => addDays(m, n);
  const business = `b-dash-${randomUUID()}`;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    await publish('upstream.businesses.v1', [
      {
        key: business,
        value: JSON.stringify(
          envelope('BusinessProfileUpdated', { businessId: business, name: 'Dashboard Bistro', privacyPolicyUrl: 'https://bistro.example/privacy', users: [{ userId: id('admin'), email: `${id('owner')}@bistro.example`, preferredLanguage: 'en', role: 'admin' }] }),
        ),
      },
    ]);
    await publish('feedback.requests.v1', [
      ...feedback(business, d(0), 'csat', [5, 5, 5, 4, 4, 4, 3, 2, 1, 4, undefined, undefined]),
      ...feedback(business, d(1), 'nps', [10, 10, 10, 9, 8, 7, 6, 3, 0, undefined, undefined, undefined]),
      ...feedback(business, d(2), 'csat', [5, 4, undefined]),
      ...feedback(business, d(7), 'custom', ['Fast', 'Fast', 'Fast', 'Fast', 'Fast', 'Friendly', 'Friendly', 'Friendly', 'Slow', undefined, undefined]),
    ]);
    await publish('info.requests.v1', information(business, d(1), [['email', 'referenceNumber'], ['email', 'fullName'], ['email', 'referenceNumber', 'phone'], ['email', 'fullName'], ['referenceNumber'], 'declined', 'declined', 'expired', undefined, undefined]));
    await publish('reports.v1', reports(business, d(1), [['spam', 'removed'], ['spam'], ['harmful']]));
    await eventually('the dashboard data counted', async () => {
      const response = await fetch(`${serviceUrl('analytics')}/v1/stats/businesses/${business}?from=${d(0)}&to=${d(13)}&granularity=week`, { headers: { authorization: `Bearer ${token('analyst')}` } });
      const body = (await response.json()) as { buckets: { feedback: { requested: unknown; answered: unknown }; reports: { byDecision: { removed: unknown } } }[] };
      return body.buckets[0]?.feedback.requested === 27 && body.buckets[0]?.feedback.answered === 21 && body.buckets[1]?.feedback.answered === 9 && body.buckets[0]?.reports.byDecision.removed === 1 ? true : undefined;
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('serves the page and its assets itself, under a strict CSP', async () => {
    const page = await fetch(`${serviceUrl('analytics')}/dashboard`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/json")[^>]*>/); // no inline script
    const script = await fetch(`${serviceUrl('analytics')}/dashboard/assets/dashboard.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain('sessionStorage');
    const css = await fetch(`${serviceUrl('analytics')}/dashboard/assets/dashboard.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('signs in by keyboard, charts the expected numbers, shows suppressed figures as such, switches a filter and downloads the CSV', async () => {
    const context = await browser.newContext({ bypassCSP: true, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`${serviceUrl('analytics')}/dashboard`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.isVisible('#sign-in')).toBe(true);
    expect(await page.isHidden('#dashboard')).toBe(true);
    expect(await axeViolations(page)).toEqual([]);

    // Keyboard only: Tab to the token field, submit empty, then a forged token, then a token of the wrong role.
    for (let i = 0; i < 6 && (await page.evaluate(() => document.activeElement?.id)) !== 'token'; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('token');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#token-error:not([hidden])');
    expect(await page.getAttribute('#token', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#token', 'aria-describedby')).toBe('token-hint token-error');
    expect(await text(page, '#token-error')).toBe('Enter an API token.');
    await page.keyboard.type(`${token('analyst')}x`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('token-error')?.textContent?.includes('not accepted'));
    expect(await axeViolations(page)).toEqual([]);
    await page.fill('#token', '');
    await page.focus('#token');
    await page.keyboard.type(token('integrity'));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('token-error')?.textContent?.includes('analyst token'));
    await page.fill('#token', '');
    await page.focus('#token');
    const analystToken = token('analyst', { sub: 'analyst-dashboard-e2e' }, 3600);
    await page.keyboard.type(analystToken);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#dashboard:not([hidden])');
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Showing'));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('dashboard-title');
    expect(page.url()).not.toContain(analystToken.slice(-20));
    expect(await page.evaluate(() => sessionStorage.getItem('feedback-analytics-token'))).toBe(analystToken);
    expect(await text(page, '#signed-in-as')).toContain('analyst-dashboard-e2e');

    // Filters: the business, two weeks by day.
    await page.waitForSelector(`#business option[value="${business}"]`, { state: 'attached' });
    expect(await text(page, `#business option[value="${business}"]`)).toBe(`Dashboard Bistro (${business})`);
    await page.selectOption('#business', business);
    await page.fill('#from', d(0));
    await page.fill('#to', d(7));
    await page.selectOption('#granularity', 'day');
    await page.click('#apply');
    await page.waitForFunction((from) => document.getElementById('status')?.textContent?.includes(`Dashboard Bistro`) && document.getElementById('status')?.textContent?.includes(from), d(0));

    expect(await summary(page)).toEqual({
      'Requests sent': '38',
      Answered: '30',
      'Response rate': '78.9%',
      'CSAT mean (1–5)': '3.83',
      NPS: '11.1',
      'Information requests': '10',
    });
    // Days 0 and 2 are one atom (day 2 has 3 people): both suppressed, never shown as zero.
    const rates = await tableRows(page, 'response-rate');
    expect(rates).toHaveLength(8);
    expect(rates[0]).toEqual([d(0), 'suppressed', 'suppressed', 'suppressed']);
    expect(rates[1]).toEqual([d(1), '12', '9', '75.0%']);
    expect(rates[2]).toEqual([d(2), 'suppressed', 'suppressed', 'suppressed']);
    expect(rates[3]).toEqual([d(3), '0', '0', '–']);
    expect(rates[7]).toEqual([d(7), '11', '9', '81.8%']);
    expect(await page.locator('#chart-response-rate svg .column.suppressed').count()).toBe(2);
    expect(await page.locator('#chart-response-rate svg text.value').allTextContents()).toEqual(['S', '75.0%', 'S', '–', '–', '–', '–', '81.8%']);
    expect(await page.getAttribute('#chart-response-rate svg', 'role')).toBe('img');
    expect(await text(page, '#chart-response-rate svg title')).toBe('Response rate of feedback requests');

    expect(await tableRows(page, 'csat')).toEqual([
      ['1', '1'],
      ['2', '1'],
      ['3', '1'],
      ['4', '5'],
      ['5', '4'],
    ]);
    expect(await page.locator('#chart-csat svg text.value').allTextContents()).toEqual(['1', '1', '1', '5', '4']);
    const nps = await tableRows(page, 'nps');
    expect(nps[1]).toEqual([d(1), '11.1', '4', '2', '3']);
    expect(nps[0]).toEqual([d(0), 'suppressed', 'suppressed', 'suppressed', 'suppressed']);
    expect(await tableRows(page, 'funnel')).toEqual([
      ['Requests sent', '10'],
      ['Answered', '5'],
      ['Declined', '2'],
      ['Expired', '1'],
      ['Shared: email address', '4'],
      ['Shared: reference number', '3'],
      ['Shared: full name', '2'],
      ['Shared: phone number', '1'],
    ]);
    expect(await tableRows(page, 'reports')).toEqual([
      ['Not a genuine experience', '0'],
      ['Spam', '2'],
      ['Harmful', '1'],
      ['Conflict of interest', '0'],
      ['Other', '0'],
      ['Decided: removed', '1'],
      ['Decided: kept', '0'],
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'analytics-dashboard-days.png'), fullPage: true });

    // Switch a filter: weeks.
    await page.selectOption('#granularity', 'week');
    await page.fill('#to', d(13));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.includes('2 buckets'));
    expect(await tableRows(page, 'response-rate')).toEqual([
      [`${d(0)} – ${d(6)}`, '27', '21', '77.8%'],
      [`${d(7)} – ${d(13)}`, '11', '9', '81.8%'],
    ]);
    expect(await page.locator('#chart-response-rate svg .column.suppressed').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'analytics-dashboard.png'), fullPage: true });

    // The CSV of what is shown.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    expect(download.suggestedFilename()).toBe(`stats-${business}-${d(0)}-${d(13)}-week.csv`);
    const csv = readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n').map((line) => line.split(','));
    const header = csv[0]!;
    expect(csv.map((row) => [row[0], row[2], row[header.indexOf('feedback.requested')], row[header.indexOf('feedback.custom.Fast')]])).toEqual([
      ['row', 'start', 'feedback.requested', 'feedback.custom.Fast'],
      ['bucket', d(0), '27', '0'],
      ['bucket', d(7), '11', '5'],
      ['total', d(0), '38', '5'],
    ]);

    // Invalid filters are tied to their field.
    await page.fill('#from', d(20));
    await page.click('#apply');
    expect(await page.getAttribute('#from', 'aria-invalid')).toBe('true');
    expect(await text(page, '#from-error')).toBe('The start must not be after the end.');
    expect(await axeViolations(page)).toEqual([]);

    // Everything came from the service itself; the token never went into an address.
    const origin = new URL(serviceUrl('analytics')).origin;
    expect(requested.filter((url) => !url.startsWith(origin) && !url.startsWith('blob:'))).toEqual([]);
    expect(requested.filter((url) => url.includes(analystToken))).toEqual([]);

    await page.click('#sign-out');
    expect(await page.isVisible('#sign-in')).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('feedback-analytics-token'))).toBeNull();
    await context.close();
  });

  it('shows a business token its own business only', async () => {
    const page = await browser.newPage();
    await page.goto(`${serviceUrl('analytics')}/dashboard`);
    await page.fill('#token', token('business', { sub: 'owner', businessId: business }));
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector('#dashboard:not([hidden])');
    expect(await page.$$eval('#business option', (options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual([business]);
    await page.close();
  });

  it('keeps none of the ids it was sent (A1)', async () => {
    const dump = await withDatabase('analytics', async (db) => {
      const parts: string[] = [];
      for (const { name } of await db.listCollections().toArray()) parts.push(JSON.stringify(await db.collection(name).find({}).toArray()));
      return parts.join('\n');
    });
    expect(dump).toContain(business);
    expect([...used].filter((value) => dump.includes(value))).toEqual([]);
  });
});
