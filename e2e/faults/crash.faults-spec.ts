import { randomUUID } from 'node:crypto';
import type { ManagedProcess } from '../../tools/stack/stack.ts';
import { envelope, eventually, inbox, profile, publish, publishBusiness, readAll, urls, withDatabase } from '../src/support';
import { answerData, feedbackRequestedData, informationRequestedData } from './events';
import { crash, pidListeningOn, restart } from './processes';
import { analyticsCounter, businessDays } from './analytics';

const ANSWERS = Number(process.env.FAULT_ANSWERS ?? 3000);
const EMAILS = Number(process.env.FAULT_EMAILS ?? 150);
const BATCH = 250;

function answer(businessId: string, i: number) {
  const requestId = `fault-${randomUUID()}`;
  return {
    key: requestId,
    value: JSON.stringify(
      envelope(
        'FeedbackSubmitted',
        answerData(requestId, businessId, i, { person: `person-${i}`, requestedAt: new Date(Date.now() - 3_600_000).toISOString() }),
        { source: 'requests' },
      ),
    ),
  };
}

/** EMAILS people made known to notifications (each gets one email). */
async function knownReviewers(): Promise<{ userId: string; email: string }[]> {
  const reviewers = Array.from({ length: EMAILS }, (_, i) => ({ userId: `fault-reviewer-${randomUUID()}`, email: `fault.${i}.${randomUUID()}@mail.example` }));
  await publish(
    'upstream.users.v1',
    reviewers.map((r) => ({ key: r.userId, value: JSON.stringify(envelope('UserProfileUpdated', { userId: r.userId, email: r.email, preferredLanguage: 'en', displayName: 'Reviewer' })) })),
  );
  await eventually('the contacts', async () =>
    (await withDatabase('notifications', (db) => db.collection('contacts').countDocuments({ _id: { $in: reviewers.map((r) => r.userId) } as never }))) === EMAILS ? true : undefined,
  );
  return reviewers;
}

/** One request event per reviewer, keyed by its request id. */
function requestsFor(reviewers: readonly { userId: string }[], event: (requestId: string, userId: string) => object): { key: string; value: string }[] {
  return reviewers.map((reviewer) => {
    const requestId = `fault-rq-${randomUUID()}`;
    return { key: requestId, value: JSON.stringify(event(requestId, reviewer.userId)) };
  });
}

/**
 * Waits until every reviewer has an email, then checks it is one email each, as its Message-ID (the
 * notification id) says. SMTP has no transactions: a kill -9 between the server accepting an email and the
 * delivery record saying so resends that email after the restart, with the same Message-ID, so the receiving
 * server drops it (RFC 5322 3.6.4). Returns how many were resent so.
 */
async function expectOneEmailEach(reviewers: readonly { email: string }[]): Promise<number> {
  await eventually(
    `${reviewers.length} emails`,
    async () => {
      const perReviewer = await Promise.all(reviewers.map(async (r) => (await inbox(r.email)).length));
      return perReviewer.every((n) => n >= 1) ? perReviewer : undefined;
    },
    240_000,
  );
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const inboxes = await Promise.all(reviewers.map((r) => inbox(r.email)));
  const distinct = inboxes.map((mails) => new Set(mails.map((m) => String(m.headers['message-id']))).size);
  expect(distinct.filter((n) => n !== 1)).toEqual([]);
  return inboxes.reduce((sum, mails) => sum + mails.length - 1, 0);
}

/**
 * kill -9 of each consumer service in turn, in the middle of a stream of
 * events: when the dust settles every answer is stored exactly once, every
 * email sent exactly once, and nothing was dead-lettered that shouldn't be.
 */
describe('crash: kill -9 of consumers under load', () => {
  // The restarted services replace the stack's own for the rest of the run (they end with it).
  const restarted: ManagedProcess[] = [];
  afterAll(() => {
    for (const proc of restarted) proc.detach();
  });

  it('stores every answer once while feedback-store is killed and restarted mid-stream', async () => {
    const business = await publishBusiness();
    const events = Array.from({ length: ANSWERS }, (_, i) => answer(business.businessId, i));
    const started = Date.now();
    for (let offset = 0; offset < events.length; offset += BATCH) {
      await publish('feedback.requests.v1', events.slice(offset, offset + BATCH));
      if (offset === BATCH * 2) {
        crash('feedback-store');
        restarted.push(await restart('feedback-store', 'after-crash-1'));
      }
      if (offset === BATCH * 7) {
        crash('feedback-store');
        restarted.push(await restart('feedback-store', 'after-crash-2'));
      }
    }
    const stored = await eventually(
      `all ${ANSWERS} answers`,
      async () => {
        const count = await withDatabase('feedback-store', (db) => db.collection('feedback_answers').countDocuments({ businessId: business.businessId }));
        return count >= ANSWERS ? count : undefined;
      },
      240_000,
    );
    expect(stored).toBe(ANSWERS);
    const keys = new Set(events.map((e) => e.key));
    const lettered = await readAll('feedback.requests.v1.dlq', (m) => keys.has(m.key?.toString() ?? ''));
    expect(lettered).toHaveLength(0);
    process.stdout.write(`crash: ${ANSWERS} answers, 2 kills of feedback-store, ${stored} stored, 0 duplicates, 0 dead letters, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  it('counts every answer once when analytics is killed with its writes under way, and restarted', async () => {
    // analytics reads on while earlier batches are being stored (write-behind), so the moment that matters is
    // a kill with batches read and not stored. The store is frozen to hold it there: analytics keeps reading
    // the second half of the stream (its offsets must not be committed: none of it is stored) until its cap
    // of pending events, and is killed. Offsets committed as read would lose those answers for good.
    const business = await publishBusiness();
    const events = Array.from({ length: ANSWERS }, (_, i) => answer(business.businessId, i));
    const half = Math.floor(ANSWERS / 2);
    for (let offset = 0; offset < half; offset += BATCH) await publish('feedback.requests.v1', events.slice(offset, Math.min(offset + BATCH, half)));
    await eventually('analytics to count part of the stream', async () => (analyticsCounter(await businessDays(business.businessId), 'feedback.answered') > 0 ? true : undefined), 120_000);

    const store = pidListeningOn(profile().ports.mongo);
    process.kill(store, 'SIGSTOP');
    try {
      for (let offset = half; offset < ANSWERS; offset += BATCH) await publish('feedback.requests.v1', events.slice(offset, offset + BATCH));
      // Longer than the interval at which stored offsets are committed (1 s): whatever would be committed, is.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      crash('analytics');
    } finally {
      process.kill(store, 'SIGCONT');
    }
    restarted.push(await restart('analytics', 'after-writes-under-way'));

    const answered = await eventually(
      `all ${ANSWERS} answers counted`,
      async () => {
        const count = analyticsCounter(await businessDays(business.businessId), 'feedback.answered');
        return count >= ANSWERS ? count : undefined;
      },
      180_000,
    );
    // Counted once each, not again later (a redelivered batch is found recorded).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const days = await businessDays(business.businessId);
    expect(answered).toBe(ANSWERS);
    expect(analyticsCounter(days, 'feedback.answered')).toBe(ANSWERS);
    for (const score of [1, 2, 3, 4, 5]) expect(analyticsCounter(days, `feedback.csat.${score}`)).toBe(events.filter((_, i) => (i % 5) + 1 === score).length);
    const keys = new Set(events.map((e) => e.key));
    const lettered = await readAll('feedback.requests.v1.dlq', (m) => keys.has(m.key?.toString() ?? '') && m.headers?.['dlq-consumer-group']?.toString() === 'analytics');
    expect(lettered).toHaveLength(0);
    process.stdout.write(`crash: ${ANSWERS} answers, analytics killed with the store frozen and half the stream read, ${answered} counted once each, 0 dead letters\n`);
  });

  it('sends every email once (one Message-ID each) while notifications is killed and restarted mid-stream', async () => {
    const business = await publishBusiness();
    const reviewers = await knownReviewers();
    const requested = requestsFor(reviewers, (requestId, userId) => envelope('InformationRequested', informationRequestedData(requestId, business, userId), { source: 'requests' }));
    const third = Math.ceil(EMAILS / 3);
    await publish('info.requests.v1', requested.slice(0, third));
    crash('notifications');
    await publish('info.requests.v1', requested.slice(third, 2 * third));
    restarted.push(await restart('notifications', 'after-crash'));
    await publish('info.requests.v1', requested.slice(2 * third));

    const resent = await expectOneEmailEach(reviewers);
    process.stdout.write(`crash: ${EMAILS} emails, 1 kill of notifications, ${EMAILS} distinct emails delivered to ${urls().mailWebUrl}, ${resent} resent with the same Message-ID\n`);
  });

  it('sends every email once when notifications is killed with emails being sent while it reads on (mail server frozen)', async () => {
    // Feedback requests are emailed while the next batches are read (writeBehind). The mail server is frozen
    // once part of the stream is out: notifications reads the rest and claims its emails, which cannot be sent,
    // and is killed. Offsets committed as read would lose those emails for good.
    const business = await publishBusiness();
    const reviewers = await knownReviewers();
    const requested = requestsFor(reviewers, (requestId, userId) => envelope('FeedbackRequested', feedbackRequestedData(requestId, business, userId), { source: 'requests' }));
    const half = Math.floor(EMAILS / 2);
    await publish('feedback.requests.v1', requested.slice(0, half));
    const sent = () => withDatabase('notifications', (db) => db.collection('deliveries').countDocuments({ businessId: business.businessId, status: 'sent' }));
    await eventually('part of the emails sent', async () => ((await sent()) > 0 ? true : undefined), 120_000);

    const mailServer = pidListeningOn(profile().ports.smtp);
    process.kill(mailServer, 'SIGSTOP');
    let claimedUnsent = 0;
    try {
      await publish('feedback.requests.v1', requested.slice(half));
      claimedUnsent = await eventually('emails claimed and held by the frozen mail server', async () => {
        const sending = await withDatabase('notifications', (db) => db.collection('deliveries').countDocuments({ businessId: business.businessId, status: 'sending' }));
        return sending > 0 ? sending : undefined;
      });
      // Longer than the interval at which what is sent is committed (1 s): whatever would be committed, is.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      crash('notifications');
    } finally {
      process.kill(mailServer, 'SIGCONT');
    }
    restarted.push(await restart('notifications', 'after-sends-under-way'));

    const resent = await expectOneEmailEach(reviewers);
    process.stdout.write(`crash: ${EMAILS} emails, notifications killed with ${claimedUnsent} claimed and held by the frozen mail server, ${EMAILS} distinct emails delivered, ${resent} resent with the same Message-ID\n`);
  });
});
