import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { verifyRespondentLink } from '@feedback/auth';
import { feedbackRequestsTopic, infoRequestsTopic, type Envelope } from '@feedback/contracts';
import { EventPublisher, TransientEventError } from '@feedback/messaging';
import type { OutboxEntry, OutboxRelay } from '@feedback/service-kit';
import { EmailRenderer } from './adapters/mail/email.renderer';
import { MailSender, type OutgoingEmail } from './adapters/mail/mail.sender';
import { businessUserKey, type BusinessRepository } from './adapters/mongo/business.repository';
import type { ContactRepository } from './adapters/mongo/contact.repository';
import type { DeliveryClaim, DeliveryConclusion, DeliveryDraft, DeliveryRepository, DeliveryState, ParkedEmail } from './adapters/mongo/delivery.repository';
import { deliveryEventId } from './domain/delivery.policy';
import type { EmailIntent } from './domain/email.types';
import { EmailPipeline, type LinkSettings } from './email-pipeline.service';

const LINK_KEY = 'test-link-key-0123456789abcdef0123456789';

/** The delivery records, in memory, with the same claim/conclude rules as the Mongo repository. */
class MemoryDeliveries {
  readonly records = new Map<string, DeliveryState & { waits?: number; draft: DeliveryDraft; reason?: string; outbox: OutboxEntry[]; intent?: EmailIntent; retryAt?: Date; awaiting?: string[]; leased?: boolean }>();
  failNextConclude = false;
  /** Runs as each park begins: after the batch read the directories, before its emails are parked (a profile arriving meanwhile). */
  beforePark: () => Promise<void> = async () => {};

  async findStates(ids: readonly string[]) {
    return new Map(ids.flatMap((id) => (this.records.has(id) ? [[id, { ...this.records.get(id)! }] as const] : [])));
  }
  async parkMany(emails: readonly ParkedEmail[]) {
    await this.beforePark();
    for (const { draft, intent, wait, awaiting } of emails) {
      const record = this.records.get(draft.notificationId);
      if (record && record.status !== 'waiting') continue;
      this.records.set(draft.notificationId, { status: 'waiting', attempts: 0, outboxPending: false, draft, outbox: [], waitingSince: wait.since, waits: (record?.waits ?? 0) + 1, intent, retryAt: wait.retryAt, awaiting });
    }
  }
  async releaseAwaiting(profiles: readonly string[]) {
    return this.release((record) => record.awaiting!.some((profile) => profiles.includes(profile)));
  }
  async releaseParked(ids: readonly string[]) {
    return this.release((record) => ids.includes(record.draft.notificationId));
  }
  private release(which: (record: NonNullable<ReturnType<MemoryDeliveries['records']['get']>>) => boolean) {
    const released = [...this.records.values()].filter((record) => record.status === 'waiting' && !record.leased && which(record));
    for (const record of released) record.retryAt = new Date(0);
    return released.length;
  }
  async takeDueWaiting(now: Date, limit: number, leaseMs: number) {
    const due = [...this.records.values()].filter((r) => r.status === 'waiting' && r.retryAt! <= now).slice(0, limit);
    for (const record of due) Object.assign(record, { retryAt: new Date(now.getTime() + leaseMs), leased: true });
    return due.map((r) => r.intent!);
  }
  async claimMany(claims: readonly DeliveryClaim[]) {
    const claimed = new Set<string>();
    for (const { draft, attempts } of claims) {
      const record = this.records.get(draft.notificationId);
      if (record && record.status !== 'sending' && record.status !== 'waiting') continue;
      this.records.set(draft.notificationId, { status: 'sending', attempts, outboxPending: false, draft, outbox: [] });
      claimed.add(draft.notificationId);
    }
    return claimed;
  }
  async recordAttempt(id: string, attempts: number) {
    this.records.get(id)!.attempts = attempts;
  }
  async concludeMany(conclusions: readonly DeliveryConclusion[]) {
    if (this.failNextConclude) {
      this.failNextConclude = false;
      throw Object.assign(new Error('store down'), { name: 'MongoNetworkError' });
    }
    const recorded = new Set<string>();
    for (const { draft, result, event } of conclusions) {
      const record = this.records.get(draft.notificationId);
      if (record && record.status !== 'sending' && record.status !== 'waiting') continue;
      this.records.set(draft.notificationId, {
        status: result.sent ? 'sent' : 'failed',
        attempts: result.attempts,
        outboxPending: true,
        draft,
        reason: result.sent ? undefined : result.reason,
        outbox: [event],
      });
      recorded.add(draft.notificationId);
    }
    return recorded;
  }
}

class FakeSender extends MailSender {
  readonly sent: OutgoingEmail[] = [];
  failures: unknown[] = [];
  async send(email: OutgoingEmail) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(email);
  }
  async verify() {}
}

function setup(maxWaitMs = 0) {
  const people = new Set(['reviewer-1']);
  const contacts = {
    known: people,
    findByUserIds: async (userIds: readonly string[]) =>
      new Map(
        userIds
          .filter((userId) => people.has(userId))
          .map((userId) => [userId, { userId, email: `${userId}@example.com`.replace('reviewer-1@', 'reviewer@'), preferredLanguage: 'nl-BE', displayName: 'Ann', asOf: new Date(), sourceEventId: 'e' }]),
      ),
  };
  const users: Record<string, { email: string; preferredLanguage: string }> = {
    'owner-1': { email: 'owner@shop.example', preferredLanguage: 'de-AT' },
    'member-2': { email: 'member@shop.example', preferredLanguage: 'en' },
  };
  const businesses = {
    findProfiles: jest.fn(async (businessIds: readonly string[]) =>
      new Map(businessIds.filter((businessId) => businessId === 'b-1').map((businessId) => [businessId, { businessId, name: 'Shop & Co', privacyPolicyUrl: 'https://shop.example/privacy' }])),
    ),
    findUsers: jest.fn(
      async (wanted: readonly { businessId: string; userId: string }[]) =>
        new Map(wanted.filter(({ businessId, userId }) => businessId === 'b-1' && users[userId]).map(({ businessId, userId }) => [businessUserKey(businessId, userId), { userId, role: 'admin' as const, ...users[userId]! }])),
    ),
  };
  const deliveries = new MemoryDeliveries();
  const sender = new FakeSender();
  const relay = { flush: jest.fn(async () => undefined) };
  const publisher = new EventPublisher({ producer: () => ({}) } as unknown as Kafka, 'notifications');
  const links: LinkSettings = { publicBaseUrl: 'http://public.example/', documentationBaseUrl: 'http://docs.example', linkKey: LINK_KEY };
  const pipeline = new EmailPipeline(
    contacts as unknown as ContactRepository,
    businesses as unknown as BusinessRepository,
    deliveries as unknown as DeliveryRepository,
    EmailRenderer.fromDisk(),
    sender,
    publisher,
    relay as unknown as OutboxRelay,
    links,
    { maxWaitMs },
  );
  return { pipeline, deliveries, sender, relay, people, businesses };
}

const inThreeDays = () => new Date(Date.now() + 72 * 3_600_000).toISOString();

function envelope(type: string, data: Record<string, unknown>): Envelope {
  return { id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), source: 'requests', correlationId: randomUUID(), data };
}

const ref = { requestId: 'ir-1', businessId: 'b-1', reviewId: 'rv-1', requestedBy: 'owner-1', requestedAt: new Date().toISOString() };
const requested = () => envelope('InformationRequested', { ...ref, reviewerId: 'reviewer-1', expiresAt: inThreeDays() });

describe('EmailPipeline', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('emails the reviewer in their language with a signed link to the form, and records the delivery with its EmailSent', async () => {
    const { pipeline, deliveries, sender, relay } = setup();
    const event = requested();
    await pipeline.handle(infoRequestsTopic, event);

    expect(sender.sent).toHaveLength(1);
    const email = sender.sent[0]!;
    expect(email).toMatchObject({ to: 'reviewer@example.com', language: 'nl', kind: 'information-request' });
    const link = /http:\/\/public\.example\/respond\/([\w-]+\.[\w-]+\.[\w-]+)/.exec(email.text);
    expect(link).not.toBeNull();
    expect(verifyRespondentLink(link![1]!, 'information-request', LINK_KEY)).toEqual({ ok: true, link: { purpose: 'information-request', subjectId: 'ir-1', language: 'nl' } });

    const [id, record] = [...deliveries.records.entries()][0]!;
    expect(email.notificationId).toBe(id);
    expect(record).toMatchObject({ status: 'sent', attempts: 1, draft: { userId: 'reviewer-1', language: 'nl', recipient: 'reviewer@example.com' } });
    const announced = JSON.parse(record.outbox[0]!.value) as Envelope;
    expect(announced).toMatchObject({ id: deliveryEventId(id, 'EmailSent'), type: 'EmailSent', correlationId: event.correlationId });
    expect(announced.data).toMatchObject({ notificationId: id, kind: 'information-request', userId: 'reviewer-1', language: 'nl', attempts: 1 });
    expect(JSON.stringify(announced)).not.toContain('reviewer@example.com');
    expect(relay.flush).toHaveBeenCalledWith('deliveries', id);
  });

  it('sends nothing when the same event is delivered again', async () => {
    const { pipeline, sender } = setup();
    const event = requested();
    await pipeline.handle(infoRequestsTopic, event);
    await pipeline.handle(infoRequestsTopic, event);
    expect(sender.sent).toHaveLength(1);
  });

  it('tells the outcome only to the business user who asked, in their language', async () => {
    const { pipeline, sender } = setup();
    await pipeline.handle(infoRequestsTopic, envelope('InformationRequestExpired', { ...ref, expiredAt: new Date().toISOString() }));
    expect(sender.sent.map((email) => [email.to, email.language, email.kind])).toEqual([['owner@shop.example', 'de', 'information-outcome']]);
    expect(sender.sent[0]!.subject).toBe('Ihre Informationsanfrage ist ohne Antwort abgelaufen');
  });

  it('reads the business users a batch of outcomes goes to once, and fails alone the email whose address cannot be opened', async () => {
    const { pipeline, deliveries, sender, businesses } = setup();
    const expired = (requestId: string, requestedBy: string) => envelope('InformationRequestExpired', { ...ref, requestId, requestedBy, expiredAt: new Date().toISOString() });
    await pipeline.handleMany(infoRequestsTopic, [expired('ir-1', 'owner-1'), expired('ir-2', 'member-2')]);
    expect(businesses.findUsers).toHaveBeenCalledTimes(1);
    expect(businesses.findUsers).toHaveBeenCalledWith([
      { directory: 'business-users', businessId: 'b-1', userId: 'owner-1' },
      { directory: 'business-users', businessId: 'b-1', userId: 'member-2' },
    ]);
    expect(sender.sent.map((email) => [email.to, email.language])).toEqual([
      ['owner@shop.example', 'de'],
      ['member@shop.example', 'en'],
    ]);

    const member = { userId: 'member-2', role: 'admin' as const, email: 'member@shop.example', preferredLanguage: 'en' };
    businesses.findUsers.mockResolvedValueOnce(
      new Map<string, unknown>([
        [businessUserKey('b-1', 'owner-1'), new Error('no key k0 in the PII key ring')],
        [businessUserKey('b-1', 'member-2'), member],
      ]) as never,
    );
    await expect(pipeline.handleMany(infoRequestsTopic, [expired('ir-3', 'owner-1'), expired('ir-4', 'member-2')])).rejects.toThrow('no key k0');
    expect(sender.sent.map((email) => email.to)).toEqual(['owner@shop.example', 'member@shop.example', 'member@shop.example']);
    expect([...deliveries.records.values()].filter((record) => record.status === 'sent')).toHaveLength(3);
  });

  it('records an unknown recipient as failed, without trying to send', async () => {
    const { pipeline, deliveries, sender } = setup();
    await pipeline.handle(infoRequestsTopic, envelope('InformationDeclined', { ...ref, requestedBy: 'nobody', declinedAt: new Date().toISOString() }));
    expect(sender.sent).toEqual([]);
    const [id, record] = [...deliveries.records.entries()][0]!;
    expect(record).toMatchObject({ status: 'failed', reason: 'recipient unknown', attempts: 1 });
    const announced = JSON.parse(record.outbox[0]!.value) as Envelope;
    expect(announced).toMatchObject({ id: deliveryEventId(id, 'EmailFailed'), type: 'EmailFailed', data: { reason: 'recipient unknown', language: 'en' } });
  });

  it('parks an email whose recipient is not known yet, under their profile, and sends it once the profile has arrived', async () => {
    const { pipeline, deliveries, sender, people } = setup(60_000);
    const event = envelope('InformationRequested', { ...ref, reviewerId: 'late-1', expiresAt: inThreeDays() });
    const start = Date.now();
    await pipeline.handle(infoRequestsTopic, event);
    expect(sender.sent).toEqual([]);
    const [id, parked] = [...deliveries.records.entries()][0]!;
    expect(parked).toMatchObject({ status: 'waiting', waits: 1, outbox: [], awaiting: ['person:late-1'] });
    // Due only when the wait is over: it is not polled meanwhile.
    expect(parked.retryAt!.getTime()).toBeGreaterThanOrEqual(start + 60_000);
    expect(await pipeline.retryWaiting(new Date(start + 30_000))).toBe(0);

    // Another person's profile releases nothing; this person's makes it due at once.
    await pipeline.releaseWaitingFor(['person:someone-else']);
    expect(await pipeline.retryWaiting(new Date(start))).toBe(0);
    people.add('late-1');
    await pipeline.releaseWaitingFor(['person:late-1']);
    expect(await pipeline.retryWaiting(new Date(start))).toBe(1);
    expect(sender.sent.map((email) => [email.to, email.notificationId])).toEqual([['late-1@example.com', id]]);
    expect(deliveries.records.get(id)).toMatchObject({ status: 'sent', attempts: 1 });
    // The triggering event delivered again finds the email final.
    await pipeline.handle(infoRequestsTopic, event);
    expect(sender.sent).toHaveLength(1);
  });

  it('tells the store which claims have a record (one found parked) and which are new (inserted whole)', async () => {
    const { pipeline, deliveries, people } = setup(60_000);
    const claims = jest.spyOn(deliveries, 'claimMany');
    await pipeline.handle(infoRequestsTopic, requested());
    const parkedEvent = envelope('InformationRequested', { ...ref, requestId: 'ir-2', reviewerId: 'late-2', expiresAt: inThreeDays() });
    await pipeline.handle(infoRequestsTopic, parkedEvent);
    people.add('late-2');
    await pipeline.releaseWaitingFor(['person:late-2']);
    await pipeline.retryWaiting();
    const flags = claims.mock.calls.flatMap(([batch]) => batch.map((claim) => [claim.draft.userId, claim.recorded]));
    expect(flags).toEqual([
      ['reviewer-1', false],
      ['late-2', true],
    ]);
  });

  it('releases an email whose profile was stored while it was being parked (the release found nothing to release yet)', async () => {
    const { pipeline, deliveries, sender, people } = setup(60_000);
    deliveries.beforePark = async () => {
      people.add('late-3');
      expect(await deliveries.releaseAwaiting(['person:late-3'])).toBe(0); // the directory's release: nothing parked yet
      deliveries.beforePark = async () => {};
    };
    await pipeline.handle(infoRequestsTopic, envelope('InformationRequested', { ...ref, reviewerId: 'late-3', expiresAt: inThreeDays() }));
    expect(sender.sent).toEqual([]);
    expect([...deliveries.records.values()][0]).toMatchObject({ status: 'waiting', retryAt: new Date(0) });
    expect(await pipeline.retryWaiting()).toBe(1);
    expect(sender.sent.map((email) => email.to)).toEqual(['late-3@example.com']);
  });

  it('does not release an email a try holds (its lease): that try parks it again and then looks for the profile itself', async () => {
    const { pipeline, deliveries, sender, people } = setup(60_000);
    await pipeline.handle(infoRequestsTopic, envelope('InformationRequested', { ...ref, reviewerId: 'late-4', expiresAt: inThreeDays() }));
    const [id, parked] = [...deliveries.records.entries()][0]!;
    expect(await deliveries.releaseParked([id])).toBe(1); // due now, as a release of another profile it awaits would make it

    // While the try holds it, the profile is stored and released: the release leaves it to the try.
    deliveries.beforePark = async () => {
      people.add('late-4');
      expect(await deliveries.releaseAwaiting(['person:late-4'])).toBe(0);
      expect(deliveries.records.get(id)).toBe(parked);
      deliveries.beforePark = async () => {};
    };
    expect(await pipeline.retryWaiting()).toBe(1);
    expect(sender.sent).toEqual([]);
    // The try parked it again, found the profile and made it due: the next round sends it.
    expect(deliveries.records.get(id)).toMatchObject({ status: 'waiting', waits: 2, retryAt: new Date(0) });
    expect(await pipeline.retryWaiting()).toBe(1);
    expect(sender.sent.map((email) => email.to)).toEqual(['late-4@example.com']);
  });

  it('gives a waiting email up as failed (recipient unknown) once the wait is over', async () => {
    const { pipeline, deliveries, sender } = setup(5_000);
    await pipeline.handle(infoRequestsTopic, envelope('InformationRequested', { ...ref, reviewerId: 'nobody', expiresAt: inThreeDays() }));
    const [id] = [...deliveries.records.keys()];
    await pipeline.retryWaiting(new Date(Date.now() + 60_000));
    expect(sender.sent).toEqual([]);
    expect(deliveries.records.get(id!)).toMatchObject({ status: 'failed', reason: 'recipient unknown' });
  });

  it('retries a transient SMTP failure and counts the attempts', async () => {
    const { pipeline, deliveries, sender } = setup();
    sender.failures = [Object.assign(new Error('Connection closed'), { code: 'ECONNECTION' })];
    await pipeline.handle(infoRequestsTopic, requested());
    expect(sender.sent).toHaveLength(1);
    expect([...deliveries.records.values()][0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('keeps an email pending, for the consumer to retry, while the mail server is unreachable', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const { pipeline, deliveries, sender } = setup();
      sender.failures = Array.from({ length: 10 }, () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' }));
      const handled = pipeline.handle(infoRequestsTopic, requested());
      const outcome = expect(handled).rejects.toBeInstanceOf(TransientEventError);
      await jest.runAllTimersAsync();
      await outcome;
      expect(sender.sent).toHaveLength(0);
      expect([...deliveries.records.values()][0]).toMatchObject({ status: 'sending', attempts: 5 });
      expect([...deliveries.records.values()][0]!.outbox).toEqual([]);
      // The server is back: the redelivered event sends the email, once.
      sender.failures = [];
      const retried = pipeline.handle(infoRequestsTopic, requested());
      await jest.runAllTimersAsync();
      await retried;
      expect(sender.sent).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('gives up at once on a permanent refusal, keeping the address out of the reason', async () => {
    const { pipeline, deliveries, sender } = setup();
    sender.failures = [Object.assign(new Error('refused'), { code: 'EENVELOPE', responseCode: 550, response: '550 <reviewer@example.com> no such user' })];
    await pipeline.handle(infoRequestsTopic, requested());
    const record = [...deliveries.records.values()][0]!;
    expect(record).toMatchObject({ status: 'failed', attempts: 1, reason: 'SMTP 550: 550 [address] no such user' });
    expect(record.outbox[0]!.value).not.toContain('reviewer@example.com');
  });

  it('does not send twice when the outcome could not be stored right after the send', async () => {
    const { pipeline, deliveries, sender } = setup();
    const event = requested();
    deliveries.failNextConclude = true;
    await expect(pipeline.handle(infoRequestsTopic, event)).rejects.toThrow('store down');
    await pipeline.handle(infoRequestsTopic, event);
    expect(sender.sent).toHaveLength(1);
    expect([...deliveries.records.values()][0]).toMatchObject({ status: 'sent' });
  });

  it('does not send a link that expired while the event waited', async () => {
    const { pipeline, deliveries, sender } = setup();
    await pipeline.handle(infoRequestsTopic, envelope('InformationRequested', { ...ref, reviewerId: 'reviewer-1', expiresAt: new Date(Date.now() - 1000).toISOString() }));
    expect(sender.sent).toEqual([]);
    expect([...deliveries.records.values()][0]).toMatchObject({ status: 'failed', reason: 'link expired before delivery' });
  });

  it('reads the businesses a batch names once for the whole batch, and parks the email of a business not known yet', async () => {
    const { pipeline, deliveries, sender, people, businesses } = setup(60_000);
    people.add('reviewer-2');
    const request = (requestId: string, businessId: string, userId: string) =>
      envelope('FeedbackRequested', { requestId, businessId, test: false, conversationId: `c-${requestId}`, userId, requestedBy: 'owner-1', survey: { type: 'csat' }, requestedAt: new Date().toISOString(), expiresAt: inThreeDays() });
    await pipeline.handleMany(feedbackRequestsTopic, [request('fr-1', 'b-1', 'reviewer-1'), request('fr-2', 'b-2', 'reviewer-1'), request('fr-3', 'b-1', 'reviewer-2')]);

    // Once for the batch; then once more for the email parked (its business may have come meanwhile: releaseArrived).
    expect(businesses.findProfiles.mock.calls).toEqual([[['b-1', 'b-2']], [['b-2']]]);
    expect(sender.sent.map((email) => email.to).sort()).toEqual(['reviewer-2@example.com', 'reviewer@example.com']);
    const records = [...deliveries.records.values()];
    expect(records.filter((record) => record.status === 'sent')).toHaveLength(2);
    expect(records.filter((record) => record.status === 'waiting').map((record) => record.draft.businessId)).toEqual(['b-2']);
  });

  it('sends a feedback request with the survey link and the privacy policy', async () => {
    const { pipeline, sender } = setup();
    await pipeline.handle(
      feedbackRequestsTopic,
      envelope('FeedbackRequested', {
        requestId: 'fr-1',
        businessId: 'b-1',
        test: false,
        conversationId: 'c-1',
        userId: 'reviewer-1',
        requestedBy: 'owner-1',
        survey: { type: 'csat' },
        requestedAt: new Date().toISOString(),
        expiresAt: inThreeDays(),
      }),
    );
    const email = sender.sent[0]!;
    expect(email).toMatchObject({ to: 'reviewer@example.com', kind: 'feedback-request', language: 'nl' });
    expect(email.html).toContain('href="https://shop.example/privacy"');
    const token = /\/respond\/([\w-]+\.[\w-]+\.[\w-]+)/.exec(email.text)![1]!;
    expect(verifyRespondentLink(token, 'feedback-request', LINK_KEY)).toMatchObject({ ok: true, link: { subjectId: 'fr-1' } });
  });
});
