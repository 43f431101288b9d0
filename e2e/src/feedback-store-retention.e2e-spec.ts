import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { loadConfig, serviceEnvSchema } from '@feedback/config';
import { KeyRing } from '@feedback/pii';
import { envelope, eventually, profile, publish, serviceEnv, serviceUrl, token, urls } from './support';

// Retention of shared details (I7) end to end: an extra feedback-store instance with a
// retention of seconds, its own consumer group, database and port, reading the real topics.

const RETENTION_MS = 5_000;
const repoRoot = join(__dirname, '..', '..');
const run = randomUUID().slice(0, 8);
const dbPrefix = 'e2e_retention_';
const ring = new KeyRing(loadConfig(serviceEnvSchema(1, {}), {}).PII_ENCRYPTION_KEYS);

const business = `b-ret-${run}`;
const admin = `admin-${run}`;
const asAdmin = () => token('business', { sub: admin, businessId: business });

let instance: ChildProcess | undefined;
let instanceUrl = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function inRetentionDb<T>(fn: (db: ReturnType<MongoClient['db']>) => Promise<T>): Promise<T> {
  const client = new MongoClient(urls().mongoUrl, { directConnection: true, serverSelectionTimeoutMS: 5000 });
  await client.connect();
  try {
    return await fn(client.db(`${dbPrefix}feedback-store`));
  } finally {
    await client.close();
  }
}

async function publishDisclosure(values: Record<string, string>, providedAt = new Date()) {
  const requestId = `r-${randomUUID()}`;
  const data = { requestId, businessId: business, reviewId: `rv-${randomUUID()}`, requestedBy: admin, providedAt: providedAt.toISOString(), sealed: ring.sealJson(values, `disclosure:${requestId}`) };
  await publish('info.disclosures.v1', [{ key: requestId, value: JSON.stringify(envelope('InformationDisclosed', data)) }]);
  return data;
}

async function details(url: string, requestId: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/v1/businesses/${business}/information-requests/${requestId}/details`, { headers: { authorization: `Bearer ${asAdmin()}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  const port = await freePort();
  instanceUrl = `http://127.0.0.1:${port}`;
  const logDir = join(profile().dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const log = openSync(join(logDir, 'feedback-store-retention.log'), 'a');
  instance = spawn(process.execPath, ['--enable-source-maps', '--disable-warning=TimeoutNegativeWarning', join(repoRoot, 'dist/apps/feedback-store/src/main.js')], {
    env: {
      ...serviceEnv('feedback-store'),
      PORT: String(port),
      DISCLOSURE_RETENTION: `PT${RETENTION_MS / 1000}S`,
      EXPIRY_SWEEP_INTERVAL: 'PT0.5S',
      KAFKA_GROUP_ID: `feedback-store-retention-e2e-${run}`,
      MONGO_DB_PREFIX: dbPrefix,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  await eventually('the retention instance to be healthy', async () => ((await fetch(`${instanceUrl}/health`).catch(() => undefined))?.status === 200 ? true : undefined), 90_000);

  await publish('upstream.businesses.v1', [
    {
      key: business,
      value: JSON.stringify(envelope('BusinessProfileUpdated', { businessId: business, name: 'Retention Ltd', users: [{ userId: admin, email: `${admin}@example.com`, preferredLanguage: 'en', role: 'admin' }] })),
    },
  ]);
  // Warm-up: the instance consumes (its group has joined) before the timed part starts.
  const warmUp = await publishDisclosure({ email: 'warm.up@example.com' });
  await eventually('the retention instance to consume', () => inRetentionDb(async (db) => ((await db.collection('disclosures').findOne({ _id: warmUp.requestId as never })) ? true : undefined)));
  await eventually('the roster on the retention instance', () => inRetentionDb(async (db) => ((await db.collection('business_rosters').findOne({ _id: business as never })) ? true : undefined)));
}, 120_000);

afterAll(async () => {
  const child = instance;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
});

describe('feedback-store: retention of shared details', () => {
  it('purges the values when the retention ends, keeps the facts and the audit log, answers 410', async () => {
    const values = { email: `kim.${run}@example.com`, phone: `+3247${run}` };
    const providedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const data = await publishDisclosure(values, providedAt);

    // Readable until the retention ends (this read is audit-logged).
    const first = await eventually('the disclosure on the retention instance', async () => {
      const result = await details(instanceUrl, data.requestId);
      return result.status === 404 ? undefined : result;
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ details: values, retentionEndsAt: new Date(providedAt.getTime() + RETENTION_MS).toISOString() });

    // Every successful read while waiting is audit-logged too.
    let successfulReads = 1;
    const gone = await eventually(
      'the purge',
      async () => {
        const result = await details(instanceUrl, data.requestId);
        if (result.status === 200) successfulReads++;
        return result.status === 200 ? undefined : result;
      },
      30_000,
    );
    expect(gone).toMatchObject({ status: 410, body: { statusCode: 410, error: 'purged', message: expect.stringMatching(/purged on .* retention period/) } });
    expect(Date.now()).toBeGreaterThanOrEqual(providedAt.getTime() + RETENTION_MS);

    const stored = await inRetentionDb((db) => db.collection('disclosures').findOne({ _id: data.requestId as never }));
    expect(stored).toMatchObject({ businessId: business, reviewId: data.reviewId, requestedBy: admin, sharedFields: ['email', 'phone'], providedAt, purgedAt: expect.any(Date) });
    expect(stored).not.toHaveProperty('sealed');
    expect(stored).not.toHaveProperty('keyId');
    expect(JSON.stringify(stored)).not.toContain(values.email);

    const reads = await fetch(`${instanceUrl}/v1/businesses/${business}/information-requests/${data.requestId}/details/reads`, { headers: { authorization: `Bearer ${asAdmin()}` } });
    expect(reads.status).toBe(200);
    expect(((await reads.json()) as { items: { readBy: string }[] }).items.map((r) => r.readBy)).toEqual(Array(successfulReads).fill(admin));

    // A replay after the purge does not bring the values back.
    await publish('info.disclosures.v1', [{ key: data.requestId, value: JSON.stringify(envelope('InformationDisclosed', data)) }]);
    const marker = await publishDisclosure({ fullName: 'Marker' });
    await eventually('the replay to be consumed', () => inRetentionDb(async (db) => ((await db.collection('disclosures').findOne({ _id: marker.requestId as never })) ? true : undefined)));
    expect((await details(instanceUrl, data.requestId)).status).toBe(410);

    // The stack's own instance keeps the default retention (90 days): same event, still readable there.
    const main = await eventually('the main instance to store it', async () => {
      const result = await details(serviceUrl('feedback-store'), data.requestId);
      return result.status === 404 ? undefined : result;
    });
    expect(main).toMatchObject({ status: 200, body: { details: values } });
  });
});
