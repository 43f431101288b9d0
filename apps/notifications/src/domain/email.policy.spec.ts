import { randomUUID } from 'node:crypto';
import { awaitedProfiles, businessProfile, checkDeliverable, EMAIL_TRIGGER_TOPICS, emailTriggerTypes, notificationIdFor, personProfile, planEmails } from './email.policy';
import type { TriggerEvent } from './email.types';

const INFO = 'info.requests.v1';
const FEEDBACK = 'feedback.requests.v1';
const REPORTS = 'reports.v1';
const ref = { requestId: 'ir-1', businessId: 'b-1', reviewId: 'rv-1', requestedBy: 'bu-7' };

function event(type: string, data: Record<string, unknown>, id = randomUUID()): TriggerEvent {
  return { id, type, correlationId: randomUUID(), data };
}

describe('planEmails', () => {
  it('asks the reviewer, by user id, with a link to the information-request form that ends when the request does', () => {
    const requested = event('InformationRequested', { ...ref, reviewerId: 'u-42', requestedAt: '2026-11-21T10:00:00.000Z', expiresAt: '2026-11-24T10:00:00.000Z' });
    const [email, ...others] = planEmails(INFO, requested);
    expect(others).toEqual([]);
    expect(email).toMatchObject({
      kind: 'information-request',
      recipient: { directory: 'people', userId: 'u-42' },
      businessId: 'b-1',
      link: { purpose: 'information-request', subjectId: 'ir-1', expiresAt: '2026-11-24T10:00:00.000Z' },
      facts: { requestId: 'ir-1', reviewId: 'rv-1', expiresAt: '2026-11-24T10:00:00.000Z' },
      trigger: { eventId: requested.id, type: 'InformationRequested', correlationId: requested.correlationId },
    });
  });

  it.each([
    ['InformationProvided', { sharedFields: ['email', 'phone'], providedAt: '2026-11-22T10:00:00.000Z' }, 'answered', ['email', 'phone'], '2026-11-22T10:00:00.000Z'],
    ['InformationDeclined', { declinedAt: '2026-11-22T11:00:00.000Z' }, 'declined', [], '2026-11-22T11:00:00.000Z'],
    ['InformationRequestExpired', { expiredAt: '2026-11-24T10:00:00.000Z' }, 'expired', [], '2026-11-24T10:00:00.000Z'],
  ])('tells only the business user who asked about %s (I6)', (type, extra, outcome, sharedFields, concludedAt) => {
    const emails = planEmails(INFO, event(type, { ...ref, requestedAt: '2026-11-21T10:00:00.000Z', ...extra }));
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      kind: 'information-outcome',
      recipient: { directory: 'business-users', businessId: 'b-1', userId: 'bu-7' },
      facts: { outcome, sharedFields, requestedAt: '2026-11-21T10:00:00.000Z', concludedAt },
    });
    expect(emails[0]!.link).toBeUndefined();
  });

  it('sends the person of a feedback request a survey link', () => {
    const requested = event('FeedbackRequested', {
      requestId: 'fr-1',
      businessId: 'b-1',
      test: false,
      conversationId: 'c-1',
      userId: 'u-9',
      requestedBy: 'bu-7',
      survey: { type: 'nps' },
      requestedAt: '2026-11-21T10:00:00.000Z',
      expiresAt: '2026-11-28T10:00:00.000Z',
    });
    expect(planEmails(FEEDBACK, requested)).toEqual([
      expect.objectContaining({
        kind: 'feedback-request',
        recipient: { directory: 'people', userId: 'u-9' },
        link: { purpose: 'feedback-request', subjectId: 'fr-1', expiresAt: '2026-11-28T10:00:00.000Z' },
        facts: { requestId: 'fr-1', surveyType: 'nps', expiresAt: '2026-11-28T10:00:00.000Z' },
      }),
    ]);
  });

  it('asks the reviewer of a review reported as not genuine for documentation, with a link that ends with the deadline (R3)', () => {
    const requested = event('DocumentationRequested', {
      reportId: 'rp-1',
      businessId: 'b-1',
      reviewId: 'rv-1',
      reviewerId: 'u-42',
      requestedAt: '2026-11-21T10:00:00.000Z',
      expiresAt: '2026-11-28T10:00:00.000Z',
    });
    expect(planEmails(REPORTS, requested)).toEqual([
      expect.objectContaining({
        kind: 'documentation-request',
        recipient: { directory: 'people', userId: 'u-42' },
        businessId: 'b-1',
        link: { purpose: 'documentation', subjectId: 'rp-1', expiresAt: '2026-11-28T10:00:00.000Z' },
        facts: { reportId: 'rp-1', reviewId: 'rv-1', expiresAt: '2026-11-28T10:00:00.000Z' },
      }),
    ]);
  });

  it('tells only the business user who reported the integrity team\'s decision (R5)', () => {
    const resolved = event('ReportResolved', {
      reportId: 'rp-1',
      businessId: 'b-1',
      reviewId: 'rv-1',
      reason: 'spam',
      decision: 'removed',
      reportedBy: 'bu-7',
      decidedBy: 'integrity-1',
      decidedAt: '2026-11-25T10:00:00.000Z',
    });
    const emails = planEmails(REPORTS, resolved);
    expect(emails).toEqual([
      expect.objectContaining({
        kind: 'report-outcome',
        recipient: { directory: 'business-users', businessId: 'b-1', userId: 'bu-7' },
        facts: { reportId: 'rp-1', reviewId: 'rv-1', reason: 'spam', decision: 'removed', decidedAt: '2026-11-25T10:00:00.000Z' },
      }),
    ]);
    expect(emails[0]!.link).toBeUndefined();
  });

  it('sends nothing for events that call for no email, or topics it does not know', () => {
    expect(planEmails(INFO, event('IdentificationRecorded', { ...ref, identified: true, recordedBy: 'bu-7', recordedAt: '2026-11-22T10:00:00.000Z' }))).toEqual([]);
    expect(planEmails(FEEDBACK, event('FeedbackSubmitted', { requestId: 'fr-1' }))).toEqual([]);
    expect(planEmails(REPORTS, event('ReviewReported', { reportId: 'rp-1' }))).toEqual([]);
    expect(planEmails(REPORTS, event('ReportingMisuseFlagged', { reportId: 'rp-1', businessId: 'b-1' }))).toEqual([]);
    expect(planEmails('upstream.users.v1', event('UserProfileUpdated', {}))).toEqual([]);
    expect(EMAIL_TRIGGER_TOPICS.sort()).toEqual([FEEDBACK, INFO, REPORTS]);
  });

  it('names the event types that call for an email, which are the only ones its consumers take', () => {
    expect(emailTriggerTypes(FEEDBACK)).toEqual(['FeedbackRequested']);
    expect(emailTriggerTypes(INFO).sort()).toEqual(['InformationDeclined', 'InformationProvided', 'InformationRequestExpired', 'InformationRequested']);
    expect(emailTriggerTypes(REPORTS).sort()).toEqual(['DocumentationRequested', 'ReportResolved']);
    expect(emailTriggerTypes('upstream.users.v1')).toEqual([]);
  });

  it('plans a redelivered event as the very same email (same notification id)', () => {
    const declined = event('InformationDeclined', { ...ref, requestedAt: '2026-11-21T10:00:00.000Z', declinedAt: '2026-11-22T10:00:00.000Z' });
    expect(planEmails(INFO, declined)[0]!.notificationId).toBe(planEmails(INFO, { ...declined })[0]!.notificationId);
    const another = { ...declined, id: randomUUID() };
    expect(planEmails(INFO, another)[0]!.notificationId).not.toBe(planEmails(INFO, declined)[0]!.notificationId);
  });
});

describe('notificationIdFor', () => {
  it('is a UUID that depends on the event, the kind and the recipient', () => {
    const id = notificationIdFor('e-1', 'information-request', 'u-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(notificationIdFor('e-1', 'information-request', 'u-1')).toBe(id);
    expect(notificationIdFor('e-2', 'information-request', 'u-1')).not.toBe(id);
    expect(notificationIdFor('e-1', 'information-outcome', 'u-1')).not.toBe(id);
    expect(notificationIdFor('e-1', 'information-request', 'u-2')).not.toBe(id);
  });
});

describe('checkDeliverable', () => {
  const now = new Date('2026-11-22T10:00:00.000Z');
  const link = { purpose: 'information-request' as const, subjectId: 'ir-1', expiresAt: '2026-11-24T10:00:00.000Z' };

  it('sends when the recipient and the business are known and the link still works', () => {
    expect(checkDeliverable({ link }, { recipient: true, business: true }, now)).toEqual({ ok: true });
    expect(checkDeliverable({}, { recipient: true, business: true }, now)).toEqual({ ok: true });
  });

  it('records an unknown recipient first, then an unknown business', () => {
    expect(checkDeliverable({ link }, { recipient: false, business: false }, now)).toEqual({ ok: false, reason: 'recipient unknown' });
    expect(checkDeliverable({ link }, { recipient: true, business: false }, now)).toEqual({ ok: false, reason: 'business unknown' });
  });

  it('does not send a link that is already dead', () => {
    expect(checkDeliverable({ link: { ...link, expiresAt: now.toISOString() } }, { recipient: true, business: true }, now)).toEqual({
      ok: false,
      reason: 'link expired before delivery',
    });
  });
});

describe('awaitedProfiles', () => {
  const toPerson = { recipient: { directory: 'people' as const, userId: 'u-1' }, businessId: 'b-1' };
  const toBusinessUser = { recipient: { directory: 'business-users' as const, businessId: 'b-1', userId: 'owner-1' }, businessId: 'b-1' };

  it("names a person's profile for an unknown person, the business's for an unknown business, each once", () => {
    expect(awaitedProfiles(toPerson, { recipient: false, business: true })).toEqual([personProfile('u-1')]);
    expect(awaitedProfiles(toPerson, { recipient: true, business: false })).toEqual([businessProfile('b-1')]);
    expect(awaitedProfiles(toPerson, { recipient: false, business: false })).toEqual(['person:u-1', 'business:b-1']);
  });

  it("names the business's profile for an unknown business user: it lists the business's users", () => {
    expect(awaitedProfiles(toBusinessUser, { recipient: false, business: true })).toEqual(['business:b-1']);
    expect(awaitedProfiles(toBusinessUser, { recipient: false, business: false })).toEqual(['business:b-1']);
  });

  it('names nothing when both are known (the email is not waiting for a profile)', () => {
    expect(awaitedProfiles(toPerson, { recipient: true, business: true })).toEqual([]);
  });
});
