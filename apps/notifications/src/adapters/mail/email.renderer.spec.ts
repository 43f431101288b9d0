import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUPPORTED_LANGUAGES } from '@feedback/i18n';
import type { EmailFacts } from '../../domain/email.types';
import { EmailRenderer, TEMPLATES_DIR, type EmailContent } from './email.renderer';
import { placeholdersOf } from './translator';

const renderer = EmailRenderer.fromDisk();
const translator = renderer.translator;
const LINK = 'http://127.0.0.1:3001/respond/eyJhbGciOiJIUzI1NiJ9.e30.sig';
const business = { name: 'Bakkerij Jansen', privacyPolicyUrl: 'https://jansen.example/privacy' };

const requestFacts: EmailFacts['information-request'] = { requestId: 'ir-1', reviewId: 'rv-1', expiresAt: '2026-11-24T10:00:00.000Z' };
const outcomeFacts = (outcome: 'answered' | 'declined' | 'expired'): EmailFacts['information-outcome'] => ({
  requestId: 'ir-1',
  reviewId: 'rv-1',
  outcome,
  sharedFields: outcome === 'answered' ? ['email', 'referenceNumber'] : [],
  requestedAt: '2026-11-21T10:00:00.000Z',
  concludedAt: '2026-11-24T10:00:00.000Z',
});
const feedbackFacts = (surveyType: 'csat' | 'nps' | 'custom'): EmailFacts['feedback-request'] => ({ requestId: 'fr-1', surveyType, expiresAt: '2026-11-28T10:00:00.000Z' });
const DOCUMENTATION_LINK = 'http://127.0.0.1:3003/documentation/eyJhbGciOiJIUzI1NiJ9.e30.sig';
const documentationFacts: EmailFacts['documentation-request'] = { reportId: 'rp-1', reviewId: 'rv-1', expiresAt: '2026-11-28T10:00:00.000Z' };
const REASONS = ['not_genuine_experience', 'spam', 'harmful', 'conflict_of_interest', 'other'] as const;
const reportOutcomeFacts = (decision: 'removed' | 'kept', reason: (typeof REASONS)[number] = 'not_genuine_experience'): EmailFacts['report-outcome'] => ({
  reportId: 'rp-1',
  reviewId: 'rv-1',
  reason,
  decision,
  decidedAt: '2026-11-25T10:00:00.000Z',
});

/** One sample of every kind (and variant) of email. */
const samples = (language: string): [string, EmailContent, boolean][] => [
  ['information-request', { kind: 'information-request', language, facts: requestFacts, business, recipientName: 'Ann', link: LINK }, true],
  ...(['answered', 'declined', 'expired'] as const).map(
    (outcome): [string, EmailContent, boolean] => [`information-outcome/${outcome}`, { kind: 'information-outcome', language, facts: outcomeFacts(outcome), business }, false],
  ),
  ...(['csat', 'nps', 'custom'] as const).map(
    (survey): [string, EmailContent, boolean] => [`feedback-request/${survey}`, { kind: 'feedback-request', language, facts: feedbackFacts(survey), business, link: LINK }, true],
  ),
  ['documentation-request', { kind: 'documentation-request', language, facts: documentationFacts, business, recipientName: 'Ann', link: LINK }, true],
  ...(['removed', 'kept'] as const).flatMap((decision) =>
    REASONS.map((reason): [string, EmailContent, boolean] => [`report-outcome/${decision}/${reason}`, { kind: 'report-outcome', language, facts: reportOutcomeFacts(decision, reason), business }, false]),
  ),
];

const cases = SUPPORTED_LANGUAGES.flatMap((language) => samples(language).map(([name, content, hasLink]) => ({ language, name, content, hasLink })));
const KEY_PATTERN = /\b(common|fields|informationRequest|informationOutcome|feedbackRequest|documentationRequest|reportOutcome)\.[A-Za-z.]+/;

describe('locale files', () => {
  it('exist for exactly the supported languages', () => {
    expect(translator.languages.sort()).toEqual([...SUPPORTED_LANGUAGES].sort());
  });

  it.each(SUPPORTED_LANGUAGES.filter((l) => l !== 'en'))('%s has every English key, no other, none empty, with the same placeholders', (language) => {
    expect(translator.keys(language).sort()).toEqual(translator.keys('en').sort());
    for (const key of translator.keys('en')) {
      const text = translator.raw(language, key)!;
      expect(text.trim()).not.toBe('');
      expect({ key, placeholders: placeholdersOf(text) }).toEqual({ key, placeholders: placeholdersOf(translator.raw('en', key)!) });
    }
  });

  it.each(SUPPORTED_LANGUAGES.filter((l) => l !== 'en'))('%s is translated, not copied from English', (language) => {
    const sentences = translator.keys('en').filter((key) => translator.raw('en', key)!.length > 25);
    expect(sentences.length).toBeGreaterThan(20);
    for (const key of sentences) expect({ key, text: translator.raw(language, key) }).not.toEqual({ key, text: translator.raw('en', key) });
  });
});

describe('EmailRenderer', () => {
  it('has templates for every kind of email', () => {
    expect(renderer.kinds.sort()).toEqual(['documentation-request', 'feedback-request', 'information-outcome', 'information-request', 'report-outcome']);
  });

  it.each(cases)('$name in $language: right language, link, no untranslated key', ({ language, content, hasLink }) => {
    const email = renderer.render(content);
    expect(email.language).toBe(language);
    expect(email.html).toMatch(new RegExp(`^<!DOCTYPE html>\\s*<html lang="${language}"`));
    expect(email.subject).not.toBe('');
    expect(email.subject).not.toMatch(/\n/);
    for (const part of [email.subject, email.html, email.text]) {
      expect(part).not.toMatch(KEY_PATTERN);
      expect(part).not.toMatch(/\{\{|\}\}/);
    }
    // Written in its language: the closing line of that locale is in both parts.
    const closing = translator.raw(language, 'common.automated')!;
    expect(email.text).toContain(closing);
    expect(email.html).toContain(closing.replace(/'/g, '&#x27;'));
    if (hasLink) {
      expect(email.html).toContain(`href="${LINK}"`);
      expect(email.text).toContain(LINK);
    } else {
      expect(email.html).not.toContain('/respond/');
    }
  });

  it('writes the standard information-request message with the business name and the deadline as a date', () => {
    const email = renderer.render({ kind: 'information-request', language: 'en', facts: requestFacts, business, recipientName: 'Ann', link: LINK });
    expect(email.subject).toBe('Bakkerij Jansen would like to find you in its customer records');
    expect(email.text).toContain('Hello Ann,');
    expect(email.text).toContain('Each of these details is optional');
    expect(email.text).toContain('decline');
    expect(email.text).toContain('November 24, 2026 at 10:00 AM UTC');
    for (const field of ['Email address', 'Reference number', 'Full name', 'Phone number']) expect(email.text).toContain(`- ${field}`);
  });

  it('localizes dates and field names', () => {
    const nl = renderer.render({ kind: 'information-request', language: 'nl', facts: requestFacts, business, link: LINK });
    expect(nl.text).toContain('24 november 2026 om 10:00 UTC');
    expect(nl.text).toContain('- Telefoonnummer');
    const de = renderer.render({ kind: 'information-outcome', language: 'de', facts: outcomeFacts('answered'), business });
    expect(de.text).toContain('E-Mail-Adresse und Referenznummer');
    expect(de.text).toContain('vom 21. November 2026');
  });

  it("shows the business's own label for the reference number (I4)", () => {
    const labelled = { ...business, referenceNumberLabel: 'order number' };
    const request = renderer.render({ kind: 'information-request', language: 'en', facts: requestFacts, business: labelled, link: LINK });
    expect(request.text).toContain('- Order number');
    expect(request.text).not.toContain('Reference number');
    const answered = renderer.render({ kind: 'information-outcome', language: 'en', facts: outcomeFacts('answered'), business: labelled });
    expect(answered.text).toContain('chose to share: email address and order number.');
  });

  it('tells the outcome: the names of shared fields, a decline, or an expiry that unlocks a report and suggests a public reply (I6, I8)', () => {
    const render = (outcome: 'answered' | 'declined' | 'expired') => renderer.render({ kind: 'information-outcome', language: 'en', facts: outcomeFacts(outcome), business });
    expect(render('answered').subject).toBe('Your information request was answered');
    expect(render('declined').text).toContain('declined the information request you sent on November 21, 2026');
    const expired = render('expired');
    expect(expired.subject).toBe('Your information request expired without an answer');
    expect(expired.text).toContain('report the review as “not based on a genuine experience”');
    expect(expired.text).toContain('reply publicly to the review');
    expect(render('answered').text).not.toContain('genuine experience');
  });

  it('links the privacy policy in a feedback request, and leaves it out when there is none', () => {
    const withPolicy = renderer.render({ kind: 'feedback-request', language: 'fr', facts: feedbackFacts('csat'), business, link: LINK });
    expect(withPolicy.html).toContain('href="https://jansen.example/privacy"');
    expect(withPolicy.text).toContain('politique de confidentialité');
    const without = renderer.render({ kind: 'feedback-request', language: 'fr', facts: feedbackFacts('csat'), business: { name: 'X' }, link: LINK });
    expect(without.text).not.toContain('politique de confidentialité');
  });

  it('asks the reviewer for documentation: who reported, that only the integrity team sees it, and until when (R3, R7)', () => {
    const email = renderer.render({ kind: 'documentation-request', language: 'en', facts: documentationFacts, business, recipientName: 'Ann', link: DOCUMENTATION_LINK });
    expect(email.subject).toBe('Your review of Bakkerij Jansen was reported: you can send documentation');
    expect(email.text).toContain('Hello Ann,');
    expect(email.text).toContain('Bakkerij Jansen reported your review as not based on a genuine experience');
    expect(email.text).toContain("Only the platform's integrity team sees what you send. Bakkerij Jansen never sees it");
    expect(email.text).toContain('November 28, 2026 at 10:00 AM UTC');
    expect(email.html).toContain(`href="${DOCUMENTATION_LINK}"`);
    const de = renderer.render({ kind: 'documentation-request', language: 'de', facts: documentationFacts, business, link: DOCUMENTATION_LINK });
    expect(de.subject).toBe('Ihre Bewertung von Bakkerij Jansen wurde gemeldet: Sie können Unterlagen senden');
    expect(de.text).toContain('28. November 2026');
  });

  it('tells the reporter the decision, with the reason in their language, and suggests a public reply when the review stays (R5)', () => {
    const removed = renderer.render({ kind: 'report-outcome', language: 'en', facts: reportOutcomeFacts('removed'), business });
    expect(removed.subject).toBe('The review you reported was removed');
    expect(removed.text).toContain('looked into your report (not based on a genuine experience) and decided to remove the review.');
    expect(removed.text).toContain('Reason: Not based on a genuine experience');
    expect(removed.text).toContain('Decided on: November 25, 2026');
    expect(removed.text).not.toContain('reply publicly');
    const kept = renderer.render({ kind: 'report-outcome', language: 'nl', facts: reportOutcomeFacts('kept', 'spam'), business });
    expect(kept.subject).toBe('De review die je hebt gemeld blijft online');
    expect(kept.text).toContain('je melding (spam)');
    expect(kept.text).toContain('openbaar op de review reageren');
  });

  it('escapes what comes from upstream in the HTML part, and only there', () => {
    const email = renderer.render({ kind: 'information-request', language: 'en', facts: requestFacts, business: { name: 'Tom & <b>Jerry</b>' }, link: LINK });
    expect(email.html).toContain('Tom &amp; &lt;b&gt;Jerry&lt;/b&gt;');
    expect(email.html).not.toContain('<b>Jerry</b>');
    expect(email.text).toContain('Tom & <b>Jerry</b>');
    expect(email.subject).toContain('Tom & <b>Jerry</b>');
  });

  it('refuses at construction a template that does not parse, naming it (the service stops at boot, not at the first email of that kind)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'templates-'));
    try {
      cpSync(TEMPLATES_DIR, dir, { recursive: true });
      expect(() => new EmailRenderer(translator, dir)).not.toThrow();
      writeFileSync(join(dir, 'report-outcome', 'text.hbs'), '{{#if decision}}never closed\n');
      expect(() => new EmailRenderer(translator, dir)).toThrow(/report-outcome\/text\.hbs does not parse/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
