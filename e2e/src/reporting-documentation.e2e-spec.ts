/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { respondentLinkKey, signRespondentLink } from '@feedback/auth';
import { DEV_JWT_SECRET } from '@feedback/config';
import {
  axeViolations,
  envelope,
  eventually,
  inbox,
  launchBrowser,
  linkIn,
  profile,
  publish,
  publishBusiness,
  publishReview,
  publishUser,
  readAll,
  serviceUrl,
  startExtraInstance,
  token,
  withDatabase,
  type BusinessFixture,
  type ExtraInstance,
  type Mail,
} from './support';

// The reviewer's documentation step (DESIGN.md R3) and who may see it (R7): the
// reviewer of a review reported as not genuine gets an email in their language
// with a link to a localized, accessible form; what they send is stored sealed
// and shown to the integrity team only; the decision reaches the business.

const artifacts = join(__dirname, '..', 'artifacts');
const linkKey = respondentLinkKey(DEV_JWT_SECRET);
const MB = 1024 * 1024;

/** A real 1×1 PNG, a minimal PDF, and things that only pretend to be one. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
const NOT_AN_IMAGE = Buffer.from('MZ\x90\x00 this is an executable pretending to be a PNG', 'latin1');
const OVERSIZE_PDF = Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), Buffer.alloc(5 * MB + 100 * 1024, 0x20)]);

async function call(method: string, url: string, bearer?: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { html: text } };
}

async function postMultipart(url: string, fields: { description?: string; file?: { bytes: Buffer; name: string; type: string } }) {
  const form = new FormData();
  if (fields.description !== undefined) form.append('description', fields.description);
  if (fields.file) form.append('file', new Blob([new Uint8Array(fields.file.bytes)], { type: fields.file.type }), fields.file.name);
  const response = await fetch(url, { method: 'POST', body: form, headers: { accept: 'application/json' } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The link notifications puts in the reviewer's email (same key, purpose and claims). */
const documentationLink = (reportId: string, language: string, base = serviceUrl('reporting'), expiresAt = new Date(Date.now() + 3_600_000)) =>
  `${base}/documentation/${signRespondentLink({ purpose: 'documentation', subjectId: reportId, language }, linkKey, expiresAt)}`;

/** An information request that expired unanswered, as requests publishes it: unlocks R1. */
async function publishExpiredInformationRequest(businessId: string, reviewId: string, reviewerId: string, requestedBy: string): Promise<void> {
  const requestId = `ir-${randomUUID()}`;
  const requestedAt = new Date(Date.now() - 4 * 86_400_000).toISOString();
  const expiredAt = new Date(Date.now() - 86_400_000).toISOString();
  const ref = { requestId, businessId, reviewId, requestedBy };
  await publish('info.requests.v1', [
    { key: requestId, value: JSON.stringify(envelope('InformationRequested', { ...ref, reviewerId, requestedAt, expiresAt: expiredAt }, { source: 'requests' })) },
    { key: requestId, value: JSON.stringify(envelope('InformationRequestExpired', { ...ref, requestedAt, expiredAt }, { source: 'requests' })) },
  ]);
}

/** Reports a review as not genuine, through `base`, once that instance knows the review and its expired request. */
async function reportNotGenuine(business: BusinessFixture, reviewId: string, base = serviceUrl('reporting')): Promise<{ id: string; documentationDeadline: string }> {
  const bearer = token('business', { sub: business.admin.userId, businessId: business.businessId });
  return eventually(`a not-genuine report of ${reviewId}`, async () => {
    const result = await call('POST', `${base}/v1/businesses/${business.businessId}/reviews/${reviewId}/reports`, bearer, { reason: 'not_genuine_experience' });
    return result.status === 201 ? (result.body as { id: string; documentationDeadline: string }) : undefined;
  });
}

const kindOf = (mail: Mail) => mail.headers['x-notification-kind'];

describe('reviewer documentation (R3, R7)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    mkdirSync(artifacts, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('goes from a declined information request to documentation in a real browser, seen by the integrity team only, to the decision by email', async () => {
    const business = await publishBusiness({ name: 'Ferienhaus Seeblick', adminLanguage: 'es-ES' });
    const reviewer = await publishUser('de-AT');
    const reviewId = await publishReview(business.businessId, reviewer.userId, { rating: 1 });
    const asAdmin = token('business', { sub: business.admin.userId, businessId: business.businessId });

    // R1 through the real requests service: ask, and the reviewer declines from the email's link.
    await eventually('the information request', async () => {
      const result = await call('POST', `${serviceUrl('requests')}/v1/businesses/${business.businessId}/reviews/${reviewId}/information-requests`, asAdmin, {});
      return result.status === 201 ? result : undefined;
    });
    const requestMail = await eventually('the information-request email', async () => (await inbox(reviewer.email)).find((m) => kindOf(m) === 'information-request'));
    expect((await call('POST', `${linkIn(requestMail)}/decline`, undefined, {})).status).toBe(201);

    const report = await reportNotGenuine(business, reviewId);
    expect(new Date(report.documentationDeadline).getTime() - Date.now()).toBeGreaterThan(7 * 86_400_000 - 60_000);

    // R3: the reviewer's email, in their language, with the documentation link.
    const mail = await eventually('the documentation-request email', async () => (await inbox(reviewer.email)).find((m) => kindOf(m) === 'documentation-request'));
    expect(mail.headers['content-language']).toBe('de');
    expect(mail.subject).toBe('Ihre Bewertung von Ferienhaus Seeblick wurde gemeldet: Sie können Unterlagen senden');
    const link = linkIn(mail);
    expect(link.startsWith(`${serviceUrl('reporting')}/documentation/`)).toBe(true);

    const headers = await fetch(link);
    expect(headers.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(headers.headers.get('referrer-policy')).toBe('no-referrer');
    expect(headers.headers.get('cache-control')).toBe('no-store');

    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(link);
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    await expect(page.title()).resolves.toContain('Ferienhaus Seeblick');
    expect(await page.textContent('main')).toContain('Nur das Integritätsteam der Plattform sieht, was Sie senden.');
    expect(await axeViolations(page)).toEqual([]);

    // Keyboard only: the description is the first control.
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('description');
    const description = `Wir waren vom 3. bis 10. August im Ferienhaus, Buchung ${randomUUID().slice(0, 8)}.`;
    await page.keyboard.type(description);

    // Too large: refused with 413, the error tied to the file field, the text kept.
    await page.setInputFiles('#file', { name: 'buchung.pdf', mimeType: 'application/pdf', buffer: OVERSIZE_PDF });
    const [tooLarge] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(tooLarge?.status()).toBe(413);
    expect(await page.getAttribute('#file', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#file', 'aria-describedby')).toBe('file-hint file-error');
    expect(await page.textContent('#file-error')).toBe('Die Datei ist größer als 5 MB. Wählen Sie eine kleinere Datei.');
    expect(await page.inputValue('#description')).toBe(description);
    expect(await page.textContent('.error-summary')).toContain('größer als 5 MB');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'reporting-documentation-too-large.png'), fullPage: true });

    // Not a PDF, PNG or JPEG by its content, whatever its name says: 415.
    await page.setInputFiles('#file', { name: 'beleg.png', mimeType: 'image/png', buffer: NOT_AN_IMAGE });
    const [wrongType] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(wrongType?.status()).toBe(415);
    expect(await page.textContent('#file-error')).toContain('keine PDF-, PNG- oder JPEG-Datei');
    expect(await page.inputValue('#description')).toBe(description);
    expect(await axeViolations(page)).toEqual([]);

    // A real image goes through.
    await page.setInputFiles('#file', { name: 'beleg.png', mimeType: 'image/png', buffer: PNG });
    await page.focus('button[type=submit]');
    const [sent] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(sent?.status()).toBe(201);
    expect(await page.textContent('main')).toContain('Ihre Unterlagen wurden an das Integritätsteam der Plattform gesendet. Ferienhaus Seeblick sieht sie nicht.');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'reporting-documentation-sent.png'), fullPage: true });
    // No third-party assets: every request stayed on the reporting service.
    expect(requests.every((url) => url.startsWith(serviceUrl('reporting')))).toBe(true);

    // Once only.
    const again = await page.goto(link);
    expect(again?.status()).toBe(409);
    expect(await page.textContent('main')).toContain('Zu dieser Meldung wurden bereits Unterlagen gesendet.');
    await context.close();

    // R7: the integrity team sees the documentation and the file...
    const integrity = token('integrity', { sub: 'integrity-ines' });
    const view = await call('GET', `${serviceUrl('reporting')}/v1/integrity/reports/${report.id}`, integrity);
    expect(view).toMatchObject({
      status: 200,
      body: {
        status: 'open',
        evidence: {
          informationRequests: [{ outcome: 'declined' }],
          documentation: { status: 'submitted', description, submittedAt: expect.any(String), file: { contentType: 'image/png', size: PNG.length } },
        },
      },
    });
    const fileUrl = (view.body.evidence as { documentation: { file: { url: string } } }).documentation.file.url;
    const download = await fetch(`${serviceUrl('reporting')}${fileUrl}`, { headers: { authorization: `Bearer ${integrity}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('content-disposition')).toContain('attachment');
    expect(Buffer.from(await download.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(`${serviceUrl('reporting')}${fileUrl}`, { headers: { authorization: `Bearer ${asAdmin}` } })).status).toBe(403);

    // ...the business never: not in its listing, not in its report.
    const listing = await call('GET', `${serviceUrl('reporting')}/v1/businesses/${business.businessId}/reports`, asAdmin);
    const own = await call('GET', `${serviceUrl('reporting')}/v1/businesses/${business.businessId}/reports/${report.id}`, asAdmin);
    for (const body of [listing.body, own.body]) {
      expect(JSON.stringify(body)).not.toContain(description);
      expect(JSON.stringify(body)).not.toContain('documentation/file');
      expect(JSON.stringify(body)).not.toContain('"documentation"');
    }
    expect(own.body).toMatchObject({ id: report.id, status: 'open', reason: 'not_genuine_experience' });

    // Sealed at rest: the text appears in no stored document of reporting.
    const dump = await withDatabase('reporting', async (db) => {
      const collections = await db.listCollections().toArray();
      return JSON.stringify(await Promise.all(collections.map((c) => db.collection(c.name).find({}).toArray())));
    });
    expect(dump).not.toContain(description.slice(0, 30));

    // R5: the decision reaches the business by API and, in the reporter's language, by email.
    expect((await call('POST', `${serviceUrl('reporting')}/v1/integrity/reports/${report.id}/decision`, integrity, { decision: 'removed' })).status).toBe(201);
    expect((await call('GET', `${serviceUrl('reporting')}/v1/businesses/${business.businessId}/reports/${report.id}`, asAdmin)).body).toMatchObject({ status: 'removed' });
    const outcome = await eventually('the report-outcome email', async () => (await inbox(business.admin.email)).find((m) => kindOf(m) === 'report-outcome'));
    expect(outcome.headers['content-language']).toBe('es');
    expect(outcome.subject).toBe('La reseña que denunciaste se ha eliminado');
    expect(outcome.text).toContain('no basada en una experiencia real');
    expect(outcome.text).not.toContain(description);

    const events = await readAll('reports.v1', (m) => m.key?.toString() === report.id);
    const types = events.map((m) => JSON.parse(m.value!.toString()) as { type: string; data: Record<string, unknown> });
    expect(types.map((e) => e.type)).toEqual(['ReviewReported', 'DocumentationRequested', 'DocumentationSubmitted', 'ReportResolved']);
    expect(types[2]!.data).toMatchObject({ reportId: report.id, hasFile: true });
    expect(JSON.stringify(types)).not.toContain(description);
  });

  describe('the upload API and its links', () => {
    let business: BusinessFixture;
    let reportId: string;
    let link: string;

    beforeAll(async () => {
      business = await publishBusiness({ name: 'Bistro API' });
      const reviewer = await publishUser('fr');
      const reviewId = await publishReview(business.businessId, reviewer.userId, { rating: 2 });
      await publishExpiredInformationRequest(business.businessId, reviewId, reviewer.userId, business.admin.userId);
      reportId = (await reportNotGenuine(business, reviewId)).id;
      link = documentationLink(reportId, 'fr');
    });

    it('checks the description, the file type by content and the size, then accepts one multipart submission', async () => {
      const noDescription = await call('POST', link, undefined, {});
      expect(noDescription).toMatchObject({ status: 400, body: { statusCode: 400, error: 'validation_failed', fields: [{ field: 'description', problems: ['required'] }] } });
      expect(await call('POST', link, undefined, { description: 'x'.repeat(5001) })).toMatchObject({ status: 400, body: { fields: [{ field: 'description', problems: ['too_long'] }] } });
      expect(await call('POST', link, undefined, { description: 'ok', extra: true })).toMatchObject({ status: 400, body: { error: 'validation_failed' } });

      expect(await postMultipart(link, { description: 'Nous avons dîné le 12 mai.', file: { bytes: NOT_AN_IMAGE, name: 'facture.pdf', type: 'application/pdf' } })).toMatchObject({
        status: 415,
        body: { statusCode: 415, error: 'unsupported_media_type' },
      });
      expect(await postMultipart(link, { description: 'Nous avons dîné le 12 mai.', file: { bytes: OVERSIZE_PDF, name: 'facture.pdf', type: 'application/pdf' } })).toMatchObject({
        status: 413,
        body: { statusCode: 413, error: 'payload_too_large' },
      });
      const plain = await fetch(link, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
      expect(plain.status).toBe(415);

      const accepted = await postMultipart(link, { description: 'Nous avons dîné le 12 mai, table 4.', file: { bytes: PDF, name: 'facture.pdf', type: 'application/octet-stream' } });
      expect(accepted).toMatchObject({ status: 201, body: { reportId, status: 'submitted', hasFile: true, submittedAt: expect.any(String) } });
      expect(await call('POST', link, undefined, { description: 'encore' })).toMatchObject({ status: 409, body: { error: 'already_submitted' } });
      expect((await fetch(link)).status).toBe(409);

      const view = await call('GET', `${serviceUrl('reporting')}/v1/integrity/reports/${reportId}`, token('integrity'));
      expect(view.body).toMatchObject({ evidence: { documentation: { status: 'submitted', description: 'Nous avons dîné le 12 mai, table 4.', file: { contentType: 'application/pdf' } } } });
    });

    it('removes a stored file no report records once its grace is over, and keeps the ones reports record', async () => {
      // The multipart submission above recorded its file, which is marked so.
      type Db = Parameters<Parameters<typeof withDatabase>[1]>[0];
      const files = (db: Db) => db.collection<{ _id: string; uploadDate: Date; metadata: Record<string, unknown> }>('documentation_files.files');
      const chunks = (db: Db) => db.collection<{ files_id: string }>('documentation_files.chunks');
      const recordedId = await withDatabase('reporting', async (db) => (await files(db).findOne({ 'metadata.reportId': reportId }))!._id);
      const marked = await withDatabase('reporting', (db) => files(db).findOne({ _id: recordedId }));
      expect(marked).not.toHaveProperty('metadata.unrecorded');
      expect(marked).toMatchObject({ metadata: { recorded: true } });

      // As a crash between storing a file and recording it would leave them: an hour old, unmarked.
      const hourAgo = new Date(Date.now() - 3_600_000);
      const orphanOfRecordedReport = `orphan-${randomUUID()}`;
      const orphanOfUnknownReport = `orphan-${randomUUID()}`;
      const fresh = `fresh-${randomUUID()}`;
      await withDatabase('reporting', async (db) => {
        const plant = async (id: string, forReport: string, uploadDate: Date) => {
          await files(db).insertOne({ _id: id, length: 3, chunkSize: 261_120, uploadDate, filename: `documentation-${forReport}`, metadata: { reportId: forReport, unrecorded: true } } as never);
          await chunks(db).insertOne({ files_id: id, n: 0, data: Buffer.from('abc') } as never);
        };
        await plant(orphanOfRecordedReport, reportId, hourAgo);
        await plant(orphanOfUnknownReport, `report-${randomUUID()}`, hourAgo);
        await plant(fresh, `report-${randomUUID()}`, new Date());
        // The recorded file's mark lost (a crash right after the record): the sweep finds its report naming it.
        await files(db).updateOne({ _id: recordedId }, { $set: { 'metadata.unrecorded': true, uploadDate: hourAgo } });
      });

      await eventually('the orphan files removed', () =>
        withDatabase('reporting', async (db) => ((await files(db).countDocuments({ _id: { $in: [orphanOfRecordedReport, orphanOfUnknownReport] } })) === 0 ? true : undefined)),
      );
      await eventually('the recorded file marked again', () =>
        withDatabase('reporting', async (db) => ((await files(db).findOne({ _id: recordedId }))?.metadata['unrecorded'] === undefined ? true : undefined)),
      );
      const left = await withDatabase('reporting', async (db) => ({
        files: (await files(db).find({ _id: { $in: [orphanOfRecordedReport, orphanOfUnknownReport, fresh, recordedId] } }).toArray()).map((f) => f._id).sort(),
        orphanChunks: await chunks(db).countDocuments({ files_id: { $in: [orphanOfRecordedReport, orphanOfUnknownReport] } }),
      }));
      expect(left).toEqual({ files: [fresh, recordedId].sort(), orphanChunks: 0 });
      // The recorded file still opens for the integrity team.
      const view = await call('GET', `${serviceUrl('reporting')}/v1/integrity/reports/${reportId}`, token('integrity'));
      const fileUrl = (view.body as { evidence: { documentation: { file: { url: string } } } }).evidence.documentation.file.url;
      expect((await fetch(`${serviceUrl('reporting')}${fileUrl}`, { headers: { authorization: `Bearer ${token('integrity')}` } })).status).toBe(200);
    });

    it('hands files stored before the marks existed to the sweep when the service starts', async () => {
      type Db = Parameters<Parameters<typeof withDatabase>[1]>[0];
      const files = (db: Db) => db.collection<{ _id: string; uploadDate: Date; metadata: Record<string, unknown> }>('documentation_files.files');
      // A database of before, for a reporting process of its own: an old file no report names, and a recent one.
      const run = randomUUID().slice(0, 8);
      const prefix = `e2e_legacy_${run}_`;
      const [orphan, recent] = [`legacy-${randomUUID()}`, `legacy-${randomUUID()}`];
      await withDatabase(
        'reporting',
        async (db) => {
          for (const [id, uploadDate] of [
            [orphan, new Date(Date.now() - 3_600_000)],
            [recent, new Date()],
          ] as const) {
            await files(db).insertOne({ _id: id, length: 3, chunkSize: 261_120, uploadDate, filename: 'documentation-legacy', metadata: { reportId: `report-${randomUUID()}` } } as never);
            await db.collection('documentation_files.chunks').insertOne({ files_id: id, n: 0, data: Buffer.from('abc') } as never);
          }
        },
        prefix,
      );
      const instance = await startExtraInstance('reporting', { port: profile().servicePorts.reporting + 62, env: { KAFKA_GROUP_ID: `reporting-legacy-e2e-${run}`, MONGO_DB_PREFIX: prefix }, logName: 'reporting-legacy' });
      try {
        await eventually('the old unnamed file removed', () => withDatabase('reporting', async (db) => ((await files(db).countDocuments({ _id: orphan })) === 0 ? true : undefined), prefix));
        expect(await withDatabase('reporting', (db) => files(db).findOne({ _id: recent }), prefix)).toMatchObject({ metadata: { unrecorded: true } });
      } finally {
        await instance.stop();
        await withDatabase('reporting', (db) => db.dropDatabase(), prefix).catch(() => undefined);
      }
    });

    it('accepts JSON without a file', async () => {
      const reviewer = await publishUser('es');
      const reviewId = await publishReview(business.businessId, reviewer.userId, { rating: 1 });
      await publishExpiredInformationRequest(business.businessId, reviewId, reviewer.userId, business.admin.userId);
      const { id } = await reportNotGenuine(business, reviewId);
      const accepted = await call('POST', documentationLink(id, 'es'), undefined, { description: 'Estuvimos allí el 2 de junio.' });
      expect(accepted).toMatchObject({ status: 201, body: { reportId: id, status: 'submitted', hasFile: false } });
      const [submitted] = await eventually('DocumentationSubmitted', async () => {
        const found = await readAll('reports.v1', (m) => m.key?.toString() === id && m.value!.toString().includes('"DocumentationSubmitted"'));
        return found.length ? found : undefined;
      });
      expect(JSON.parse(submitted!.value!.toString()).data).toMatchObject({ reportId: id, hasFile: false });
    });

    it('refuses forged links, links of another purpose, reports without a documentation step and expired links', async () => {
      const forged = `${serviceUrl('reporting')}/documentation/${signRespondentLink({ purpose: 'documentation', subjectId: reportId, language: 'en' }, 'not-the-key', new Date(Date.now() + 60_000))}`;
      expect((await fetch(forged)).status).toBe(404);
      expect(await call('POST', forged, undefined, { description: 'x' })).toMatchObject({ status: 404, body: { error: 'not_found' } });
      const wrongPurpose = `${serviceUrl('reporting')}/documentation/${signRespondentLink({ purpose: 'information-request', subjectId: reportId, language: 'en' }, linkKey, new Date(Date.now() + 60_000))}`;
      expect((await fetch(wrongPurpose)).status).toBe(404);
      expect((await fetch(`${serviceUrl('reporting')}/documentation/${token('integrity')}`)).status).toBe(404);

      const reviewer = await publishUser('en');
      const spamReview = await publishReview(business.businessId, reviewer.userId, { rating: 1 });
      const asAdmin = token('business', { sub: business.admin.userId, businessId: business.businessId });
      const spam = await eventually('a spam report', async () => {
        const result = await call('POST', `${serviceUrl('reporting')}/v1/businesses/${business.businessId}/reviews/${spamReview}/reports`, asAdmin, { reason: 'spam' });
        return result.status === 201 ? result : undefined;
      });
      const noStep = await fetch(documentationLink(spam.body.id as string, 'nl'));
      expect(noStep.status).toBe(404);
      const page = await noStep.text();
      expect(page).toContain('<html lang="nl">');
      expect(page).toContain('Deze link is niet geldig.');

      const expiring = documentationLink(reportId, 'da', serviceUrl('reporting'), new Date(Date.now() + 1000));
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const expired = await fetch(expiring);
      expect(expired.status).toBe(410);
      expect(await expired.text()).toContain('Fristen for at sende dokumentation til denne indberetning er udløbet.');
      expect(await call('POST', expiring, undefined, { description: 'late' })).toMatchObject({ status: 410, body: { error: 'expired' } });
    });
  });

  describe('after DOCUMENTATION_WINDOW', () => {
    let instance: ExtraInstance;
    beforeAll(async () => {
      instance = await startExtraInstance('reporting', {
        port: profile().servicePorts.reporting + 50,
        env: { DOCUMENTATION_WINDOW: 'PT3S', KAFKA_GROUP_ID: 'reporting-short-window-e2e', MONGO_DB_PREFIX: 'e2e_short_documentation_' },
        logName: 'reporting-short-window',
      });
    });
    afterAll(async () => {
      await instance?.stop();
    });

    it('refuses documentation with 410 once the window has passed, even with a link that still works', async () => {
      const business = await publishBusiness({ name: 'Short Window' });
      const reviewer = await publishUser('en');
      const reviewId = await publishReview(business.businessId, reviewer.userId, { rating: 1 });
      await publishExpiredInformationRequest(business.businessId, reviewId, reviewer.userId, business.admin.userId);
      const report = await reportNotGenuine(business, reviewId, instance.url);
      expect(new Date(report.documentationDeadline).getTime() - Date.now()).toBeLessThanOrEqual(3000);
      const link = documentationLink(report.id, 'en', instance.url);
      await eventually('the window to close', async () => ((await fetch(link)).status === 410 ? true : undefined), 20_000);
      const page = await fetch(link);
      expect(await page.text()).toContain('The time to send documentation for this report has passed.');
      expect(await call('POST', link, undefined, { description: 'Too late?' })).toMatchObject({ status: 410, body: { statusCode: 410, error: 'expired' } });
      const view = await call('GET', `${instance.url}/v1/integrity/reports/${report.id}`, token('integrity'));
      expect(view.body).toMatchObject({ evidence: { documentation: { status: 'expired' } } });
    });
  });
});
