import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { collect, envelope, eventually, personal, profile, publish, publishBusiness, startExtraInstance, token, withDatabase, type ExtraInstance } from './support';

// A mail server that refuses some recipients for good (550) and keeps deferring
// others (451), in front of a notifications instance of its own (own consumer
// group, own database). MailDev accepts everything, so it can't show this.
const REFUSED = 'refused.';
const DEFERRED = 'deferred.';

interface LogItem {
  notificationId: string;
  userId?: string;
  status: 'sent' | 'failed';
  attempts: number;
  reason?: string;
}

function startPickyMailServer(): Promise<{ server: SMTPServer; port: number; accepted: string[] }> {
  const accepted: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      if (to.startsWith(REFUSED)) return callback(Object.assign(new Error(`5.1.1 <${to}>: mailbox unavailable`), { responseCode: 550 }));
      if (to.startsWith(DEFERRED)) return callback(Object.assign(new Error('4.2.0 mailbox busy, try again later'), { responseCode: 451 }));
      callback();
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        accepted.push(...session.envelope.rcptTo.map((r) => r.address.toLowerCase()));
        callback();
      });
    },
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.server.address() as AddressInfo).port, accepted })));
}

describe('notifications: a mail server that refuses or keeps deferring a recipient', () => {
  const run = randomUUID().slice(0, 8);
  const prefix = `e2e_refusals_${run}_`;
  let mail: Awaited<ReturnType<typeof startPickyMailServer>>;
  let instance: ExtraInstance;

  beforeAll(async () => {
    mail = await startPickyMailServer();
    instance = await startExtraInstance('notifications', {
      port: profile().servicePorts.notifications + 70,
      env: { SMTP_URL: `smtp://127.0.0.1:${mail.port}`, KAFKA_GROUP_ID: `notifications-refusals-${run}`, MONGO_DB_PREFIX: prefix },
      logName: 'notifications-refusals',
    });
  });
  afterAll(async () => {
    await instance?.stop();
    await new Promise<void>((resolve) => mail?.server.close(() => resolve()));
  });

  it('records a refused email as failed at once and a deferred one after bounded retries, each with its EmailFailed, and sends the others', async () => {
    const business = await publishBusiness();
    const people = ['accepted.', REFUSED, DEFERRED].map((kind) => ({ kind, userId: `person-${randomUUID()}`, email: `${kind}${run}@mail.example` }));
    await publish(
      'upstream.users.v1',
      people.map((p) => ({ key: p.userId, value: JSON.stringify(envelope('UserProfileUpdated', { userId: p.userId, email: p.email, preferredLanguage: 'en', displayName: personal(`Person ${p.kind}${run}`) })) })),
    );
    await eventually('the instance to know the people and the business', () =>
      withDatabase(
        'notifications',
        async (db) => {
          const contacts = await db.collection('contacts').countDocuments({ _id: { $in: people.map((p) => p.userId) } as never });
          const businesses = await db.collection('businesses').countDocuments({ _id: business.businessId as never });
          return contacts === people.length && businesses === 1 ? true : undefined;
        },
        prefix,
      ),
    );
    await publish(
      'info.requests.v1',
      people.map((p) => {
        const requestId = `refusal-ir-${randomUUID()}`;
        const now = new Date();
        const data = { requestId, businessId: business.businessId, reviewId: `rev-${requestId}`, reviewerId: p.userId, requestedBy: business.admin.userId, requestedAt: now.toISOString(), expiresAt: new Date(now.getTime() + 3_600_000).toISOString() };
        return { key: requestId, value: JSON.stringify(envelope('InformationRequested', data, { source: 'requests' })) };
      }),
    );

    const log = await eventually(
      'the three outcomes in the delivery log',
      async () => {
        const response = await fetch(`${instance.url}/v1/notifications?limit=200`, { headers: { authorization: `Bearer ${token('integrity')}` } });
        const items = ((await response.json()) as { items: LogItem[] }).items.filter((i) => people.some((p) => p.userId === i.userId));
        return items.length === people.length ? new Map(items.map((i) => [people.find((p) => p.userId === i.userId)!.kind, i])) : undefined;
      },
      90_000,
    );
    expect(log.get('accepted.')).toMatchObject({ status: 'sent', attempts: 1 });
    // 5xx: refused for good, no retry.
    expect(log.get(REFUSED)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(log.get(REFUSED)!.reason).toMatch(/550/);
    // 4xx every time: retried with backoff, then given up (MAX_SEND_ATTEMPTS), not an endless loop.
    expect(log.get(DEFERRED)).toMatchObject({ status: 'failed', attempts: 5 });
    expect(log.get(DEFERRED)!.reason).toMatch(/451/);
    for (const item of log.values()) expect(item.reason ?? '').not.toContain('@');
    expect(mail.accepted.filter((to) => to.endsWith(`${run}@mail.example`))).toEqual([`accepted.${run}@mail.example`]);

    // The stack's own notifications instance handles the same requests (and MailDev accepts
    // them): only this instance's EmailFailed events are looked for.
    const failures = [log.get(REFUSED)!.notificationId, log.get(DEFERRED)!.notificationId];
    const announced = await collect(
      'notifications.v1',
      (m) => failures.includes(m.key?.toString() ?? '') && m.value!.toString().includes('"EmailFailed"'),
      (found) => new Set(found.map((m) => m.key?.toString())).size >= 2,
    );
    expect(new Set(announced.map((m) => m.key?.toString()))).toEqual(new Set(failures));
  });
});
