import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SERVICES, startKafka, type ManagedProcess } from '../../tools/stack/stack.ts';
import { envelope, eventually, inbox, profile, publish, publishBusiness, serviceUrl, withDatabase } from '../src/support';
import { answerData } from './events';
import { pidListeningOn, waitUntilPortFree } from './processes';

const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_MS ?? 30_000);
const repoRoot = join(__dirname, '..', '..');

function answer(businessId: string, i: number) {
  const requestId = `outage-${randomUUID()}`;
  return {
    key: requestId,
    value: JSON.stringify(
      envelope(
        'FeedbackSubmitted',
        answerData(requestId, businessId, i, { person: `person-${i}`, requestedAt: new Date(Date.now() - 60_000).toISOString(), survey: 'nps' }),
        { source: 'requests' },
      ),
    ),
  };
}

/** A service's /health status and body; status 0 when it does not answer. */
async function healthReport(service: (typeof SERVICES)[number]): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(`${serviceUrl(service)}/health`, { signal: AbortSignal.timeout(8000) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: String(error) };
  }
}

async function health(service: (typeof SERVICES)[number]): Promise<number> {
  return (await healthReport(service)).status;
}

/** Resolves once every service answers 200; until then throws naming the others and what their /health says (for the timeout's message). */
async function everyServiceHealthy(): Promise<true> {
  const reports = await Promise.all(SERVICES.map(async (service) => ({ service, ...(await healthReport(service)) })));
  const sick = reports.filter((r) => r.status !== 200).map((r) => `${r.service} ${r.status} ${r.body}`);
  if (sick.length > 0) throw new Error(sick.join('; '));
  return true;
}

async function storedCount(businessId: string): Promise<number> {
  return withDatabase('feedback-store', (db) => db.collection('feedback_answers').countDocuments({ businessId }));
}

/** Publishes, retrying while the broker is away (an upstream system would do the same). */
async function publishPatiently(topic: string, messages: { key: string; value: string }[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await publish(topic, messages);
      return;
    } catch (error) {
      if (attempt > 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Dependencies going away and coming back: services report unhealthy, back
 * off, and end with nothing lost and nothing doubled.
 */
describe('outages', () => {
  const restarted: ManagedProcess[] = [];
  // The restarted broker replaces the stack's own for the rest of the run (it ends with it).
  afterAll(() => {
    for (const proc of restarted) proc.detach();
  });

  it(`survives the store being unreachable for ${OUTAGE_MS / 1000} s`, async () => {
    const business = await publishBusiness();
    const events = Array.from({ length: 300 }, (_, i) => answer(business.businessId, i));
    await publish('feedback.requests.v1', events.slice(0, 100));
    const mongo = pidListeningOn(profile().ports.mongo);
    process.kill(mongo, 'SIGSTOP');
    try {
      await publish('feedback.requests.v1', events.slice(100, 200));
      const down = await eventually('feedback-store to report the store down', async () => {
        const report = await healthReport('feedback-store');
        return report.status === 503 ? report.body : undefined;
      }, OUTAGE_MS);
      expect(JSON.parse(down)).toMatchObject({ statusCode: 503, error: 'dependency_unavailable', message: expect.stringContaining('mongo'), dependencies: { mongo: 'down' } });
      await pause(OUTAGE_MS);
    } finally {
      process.kill(mongo, 'SIGCONT');
    }
    await publish('feedback.requests.v1', events.slice(200));
    await eventually('feedback-store healthy again', async () => ((await health('feedback-store')) === 200 ? true : undefined), 120_000);
    expect(await eventually('all 300 answers', async () => ((await storedCount(business.businessId)) >= 300 ? storedCount(business.businessId) : undefined), 180_000)).toBe(300);
  });

  it(`survives the mail server being down for ${OUTAGE_MS / 1000} s: every email sent once, none given up`, async () => {
    const business = await publishBusiness();
    const reviewers = Array.from({ length: 12 }, (_, i) => ({ userId: `outage-reviewer-${randomUUID()}`, email: `outage.${i}.${randomUUID()}@mail.example` }));
    await publish(
      'upstream.users.v1',
      reviewers.map((r) => ({ key: r.userId, value: JSON.stringify(envelope('UserProfileUpdated', { userId: r.userId, email: r.email, preferredLanguage: 'nl', displayName: 'R' })) })),
    );
    await eventually('the contacts', async () =>
      (await withDatabase('notifications', (db) => db.collection('contacts').countDocuments({ _id: { $in: reviewers.map((r) => r.userId) } as never }))) === reviewers.length ? true : undefined,
    );
    const maildev = pidListeningOn(profile().ports.smtp);
    process.kill(maildev, 'SIGSTOP');
    try {
      const now = new Date();
      await publish(
        'info.requests.v1',
        reviewers.map((reviewer) => {
          const requestId = `outage-ir-${randomUUID()}`;
          const data = { requestId, businessId: business.businessId, reviewId: `rev-${requestId}`, reviewerId: reviewer.userId, requestedBy: business.admin.userId, requestedAt: now.toISOString(), expiresAt: new Date(now.getTime() + 3_600_000).toISOString() };
          return { key: requestId, value: JSON.stringify(envelope('InformationRequested', data, { source: 'requests' })) };
        }),
      );
      const down = await eventually('notifications to report the mail server down', async () => {
        const report = await healthReport('notifications');
        return report.status === 503 ? report.body : undefined;
      }, OUTAGE_MS);
      expect(JSON.parse(down)).toMatchObject({ statusCode: 503, error: 'dependency_unavailable', dependencies: { smtp: 'down', mongo: 'up' } });
      await pause(OUTAGE_MS);
    } finally {
      process.kill(maildev, 'SIGCONT');
    }
    await eventually('every email', async () => ((await Promise.all(reviewers.map(async (r) => (await inbox(r.email)).length))).every((n) => n >= 1) ? true : undefined), 180_000);
    await pause(2000);
    expect((await Promise.all(reviewers.map(async (r) => (await inbox(r.email)).length))).filter((n) => n !== 1)).toEqual([]);
    const failed = await withDatabase('notifications', (db) => db.collection('deliveries').countDocuments({ businessId: business.businessId, status: 'failed' }));
    expect(failed).toBe(0);
    expect(await health('notifications')).toBe(200);
  });

  it('loses nothing when the broker restarts mid-stream', async () => {
    const business = await publishBusiness();
    const events = Array.from({ length: 600 }, (_, i) => answer(business.businessId, i));
    await publishPatiently('feedback.requests.v1', events.slice(0, 300));
    const { kafka, kafkaController } = profile().ports;
    process.kill(pidListeningOn(kafka), 'SIGTERM');
    await waitUntilPortFree(kafka);
    restarted.push(await startKafka({ repoRoot, dataDir: profile().dataDir, port: kafka, controllerPort: kafkaController, log: () => undefined }));
    await publishPatiently('feedback.requests.v1', events.slice(300));
    await eventually('every service healthy again', everyServiceHealthy, 180_000);
    expect(await eventually('all 600 answers', async () => ((await storedCount(business.businessId)) >= 600 ? storedCount(business.businessId) : undefined), 240_000)).toBe(600);
  });
});
