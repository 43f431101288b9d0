import { randomUUID } from 'node:crypto';
import { SERVICES, type ManagedProcess, type ServiceName } from '../../tools/stack/stack.ts';
import { envelope, eventually, mailCountsByRecipient, profile, publish, publishBusiness, readAll, startExtraInstance, withDatabase, type ExtraInstance } from '../src/support';
import { answerData, informationRequestedData } from './events';
import { counter, groupLag, sharedBy } from './consumer-groups';
import { crash, restart, terminate } from './processes';
import { analyticsCounter, businessDays } from './analytics';

const ANSWERS = Number(process.env.FAULT_SCALE_ANSWERS ?? 2000);
const REVIEWS = 500;
const CONVERSATIONS = 500;
const EMAILS = 200;
const ROUNDS = 10;
/** Extra instances listen this far above their service's port (the e2e suite's own extras use +60). */
const EXTRA_PORT_SHIFT = 70;

/**
 * The topic of the stream each service's extra instance must get a share of
 * (every topic has several partitions: libs/contracts topicsToProvision).
 */
const STREAM_TOPIC: Record<ServiceName, string> = {
  requests: 'upstream.reviews.v1',
  'feedback-store': 'feedback.requests.v1',
  reporting: 'upstream.reviews.v1',
  analytics: 'feedback.requests.v1',
  notifications: 'info.requests.v1',
};

type Message = { key: string; value: string };
const message = (key: string, type: string, data: Record<string, unknown>, source = 'requests'): Message => ({ key, value: JSON.stringify(envelope(type, data, { source })) });
const slice = (messages: Message[], round: number) => messages.slice(Math.floor((messages.length * round) / ROUNDS), Math.floor((messages.length * (round + 1)) / ROUNDS));

/**
 * Scale-out: every consumer service runs as two instances in ONE consumer group
 * over ONE database, the broker splits the partitions between them, and the
 * group is made to rebalance under a stream of events (instances stopped, started
 * again, kill -9'd and restarted). Effects are counted against what was published:
 * a lost message shows as a missing effect, a message processed by both instances
 * (or twice by one) as a doubled counter or a second email.
 */
describe('scale-out: two instances of every consumer service in one group', () => {
  let extras: Partial<Record<ServiceName, ExtraInstance>> = {};
  // The restarted main instances replace the stack's own for the rest of the run (they end with it).
  const restarted: ManagedProcess[] = [];
  afterAll(async () => {
    await Promise.all(Object.values(extras).map((extra) => extra.stop()));
    for (const proc of restarted) proc.detach();
  });

  /** No KAFKA_GROUP_ID or MONGO_DB_PREFIX override: the extra joins the main instance's group and database. */
  async function startExtras(label: string): Promise<void> {
    const started = await Promise.all(
      SERVICES.map(async (service) => [service, await startExtraInstance(service, { port: profile().servicePorts[service] + EXTRA_PORT_SHIFT, env: {}, logName: `${service}-scale-out-${label}` })] as const),
    );
    extras = Object.fromEntries(started);
    // The group id is the service name (libs/service-kit kitOptions).
    await Promise.all(SERVICES.map((service) => sharedBy(service, 2, STREAM_TOPIC[service])));
  }

  it('shares the partitions with no duplicate effects, and loses nothing when the groups rebalance', async () => {
    const started = Date.now();
    const business = await publishBusiness();
    await startExtras('1');

    // Recipients are known before the requests that email them (otherwise the email is, correctly, undeliverable).
    const reviewers = Array.from({ length: EMAILS }, (_, i) => ({ userId: `scale-reviewer-${randomUUID()}`, email: `scale.${i}.${randomUUID()}@mail.example` }));
    await publish(
      'upstream.users.v1',
      reviewers.map((r) => message(r.userId, 'UserProfileUpdated', { userId: r.userId, email: r.email, preferredLanguage: 'en', displayName: 'Reviewer' }, 'e2e-upstream')),
    );
    await eventually('the contacts', async () =>
      (await withDatabase('notifications', (db) => db.collection('contacts').countDocuments({ _id: { $in: reviewers.map((r) => r.userId) } as never }))) === EMAILS ? true : undefined,
    );

    // All requests of the stream count on one UTC day of analytics (the day they were sent).
    const requestedAt = new Date(Date.now() - 3_600_000).toISOString();
    const answers = Array.from({ length: ANSWERS }, (_, i) => {
      const requestId = `scale-${randomUUID()}`;
      return message(requestId, 'FeedbackSubmitted', answerData(requestId, business.businessId, i, { person: `scale-person-${i}`, requestedAt }));
    });
    const informationRequests = reviewers.map((reviewer) => {
      const requestId = `scale-ir-${randomUUID()}`;
      return message(requestId, 'InformationRequested', informationRequestedData(requestId, business, reviewer.userId, new Date(requestedAt)));
    });
    const reviews = Array.from({ length: REVIEWS }, (_, i) => {
      const reviewId = `scale-rev-${randomUUID()}`;
      const data = { reviewId, businessId: business.businessId, reviewerId: `scale-author-${i}`, rating: (i % 5) + 1, source: 'organic', language: 'en', publishedAt: new Date().toISOString() };
      return message(reviewId, 'ReviewPublished', data, 'e2e-upstream');
    });
    const conversations = Array.from({ length: CONVERSATIONS }, (_, i) => {
      const conversationId = `scale-conv-${randomUUID()}`;
      const data = { conversationId, businessId: business.businessId, userId: `scale-person-${i}`, representativeIds: [], occurredAt: new Date().toISOString() };
      return message(conversationId, 'ConversationInteraction', data, 'e2e-upstream');
    });

    // The faults, at fixed points of the stream (after a round is published), not at fixed times.
    const extrasHandled: Partial<Record<ServiceName, number>> = {};
    let leaveExitCodes: (number | null)[] = [];
    const faults: Record<number, () => Promise<void>> = {
      // Graceful leave: each extra must have done part of the work before it goes; its partitions move to the main instance.
      2: async () => {
        for (const service of SERVICES) {
          const extra = extras[service]!;
          extrasHandled[service] = await eventually(`the extra ${service} to have handled part of ${STREAM_TOPIC[service]}`, async () => {
            const handled = await counter(extra.url, 'kafka_consumed_messages_total', { topic: STREAM_TOPIC[service], outcome: 'handled' });
            return handled > 0 ? handled : undefined;
          });
        }
        await Promise.all(SERVICES.map((service) => extras[service]!.stop()));
        leaveExitCodes = await Promise.all(SERVICES.map((service) => extras[service]!.process.exited));
      },
      // Join: the partitions are split again.
      4: () => startExtras('2'),
      // kill -9 of the main instances: no leave, no commit; their partitions move once their sessions time out, then back on restart.
      // notifications is stopped with SIGTERM instead: an email the mail server accepted just before a kill -9, but
      // not yet recorded, is sent again on redelivery (at-least-once; the same Message-ID lets a receiver drop it),
      // and with emails sent concurrently per batch that window holds several emails. The crash suite owns kill -9
      // of notifications; here the count per recipient must be exactly 1.
      6: async () => {
        for (const service of SERVICES) (service === 'notifications' ? terminate : crash)(service);
        restarted.push(...(await Promise.all(SERVICES.map((service) => restart(service, 'scale-out')))));
      },
    };
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all([
        publish('feedback.requests.v1', slice(answers, round)),
        publish('info.requests.v1', slice(informationRequests, round)),
        publish('upstream.reviews.v1', slice(reviews, round)),
        publish('upstream.conversations.v1', slice(conversations, round)),
      ]);
      await faults[round]?.();
    }
    // Both instances of every service are in their group again once the restarted main ones have joined.
    await Promise.all(SERVICES.map((service) => sharedBy(service, 2, STREAM_TOPIC[service])));

    // Every group has processed and committed everything: no redelivery can come any more, so the counts below are final.
    await eventually(
      'every group to have committed the whole stream',
      async () => ((await Promise.all(SERVICES.map(groupLag))).every((lag) => lag === 0) ? true : undefined),
      420_000,
    );

    const [storedAnswers, days, requestsDb, reportingDb, emails] = await Promise.all([
      withDatabase('feedback-store', (db) => db.collection('feedback_answers').find({ businessId: business.businessId }, { projection: { _id: 1 } }).toArray()),
      businessDays(business.businessId),
      withDatabase('requests', async (db) => ({
        reviews: await db.collection('reviews').countDocuments({ businessId: business.businessId }),
        conversations: await db.collection('conversations').countDocuments({ businessId: business.businessId }),
      })),
      withDatabase('reporting', async (db) => ({
        reviews: await db.collection('reviews').countDocuments({ businessId: business.businessId }),
        informationRequests: await db.collection('information_requests').countDocuments({ businessId: business.businessId }),
      })),
      mailCountsByRecipient(),
    ]);

    // The graceful leaves were clean stops (SIGTERM, drain, exit 0), not kills.
    expect(leaveExitCodes).toEqual(SERVICES.map(() => 0));
    // feedback-store: every answer once.
    expect(storedAnswers).toHaveLength(ANSWERS);
    expect(new Set(storedAnswers.map((a) => String(a._id)))).toEqual(new Set(answers.map((a) => a.key)));
    // analytics: counters are increments, so a message applied twice (or not at all) shows here.
    expect(analyticsCounter(days, 'feedback.answered')).toBe(ANSWERS);
    for (const score of [1, 2, 3, 4, 5]) expect(analyticsCounter(days, `feedback.csat.${score}`)).toBe(answers.filter((_, i) => (i % 5) + 1 === score).length);
    expect(analyticsCounter(days, 'information.requested')).toBe(EMAILS);
    // requests and reporting: their copies of the upstream facts are complete.
    expect(requestsDb).toEqual({ reviews: REVIEWS, conversations: CONVERSATIONS });
    expect(reportingDb).toEqual({ reviews: REVIEWS, informationRequests: EMAILS });
    // notifications: one email per information request, none twice.
    const perReviewer = reviewers.map((r) => emails.get(r.email.toLowerCase()) ?? 0);
    expect(perReviewer.filter((n) => n !== 1)).toEqual([]);
    // Nothing of the stream was dead-lettered by any group.
    const keys = new Set([...answers, ...informationRequests, ...reviews, ...conversations].map((m) => m.key));
    const dlqs = ['feedback.requests.v1.dlq', 'info.requests.v1.dlq', 'upstream.reviews.v1.dlq', 'upstream.conversations.v1.dlq'];
    const lettered = (await Promise.all(dlqs.map((dlq) => readAll(dlq, (m) => keys.has(m.key?.toString() ?? ''))))).flat();
    expect(lettered).toHaveLength(0);

    const events = ANSWERS + EMAILS + REVIEWS + CONVERSATIONS;
    process.stdout.write(
      `scale-out: ${events} events over 5 groups of 2 instances; 5 graceful leaves, 5 joins, 4 kill -9 + 1 SIGTERM of the main instances and restarts; ` +
        `extras handled before leaving ${JSON.stringify(extrasHandled)}; ${storedAnswers.length} answers, ` +
        `${perReviewer.reduce((a, b) => a + b, 0)} emails, 0 duplicates, 0 losses, 0 dead letters, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  });
});
