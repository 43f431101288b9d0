// End-to-end check of tools/stack/infra.ts against the real processes, on
// non-default ports in a temp dir, so it can run beside a developer's stack:
//   node_modules/.bin/node tools/stack/infra-smoke.ts       (from the repo root)
// (kafkajs 2.2.4 makes Node 24 print a TimeoutNegativeWarning once, the symptom of
// a 1 ms timer loop that newKafka in libs/messaging stops in the platform's own
// clients; add --disable-warning=TimeoutNegativeWarning to hide it)
// Exercises what the services rely on: Kafka consumer groups with committed
// offsets, Mongo unique indexes (E11000), bulk upserts and $group, h2 data
// surviving a restart, and mail caught by MailDev and read back over its API.
// Exits non-zero on the first failure; temp data is kept then, for its logs.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import nodemailer from 'nodemailer';
import {
  assertPortsFree,
  checkPrerequisites,
  createTopics,
  ensureJars,
  liveProcesses,
  startKafka,
  startMailDev,
  startMongo,
  stopAll,
  waitFor,
} from './infra.ts';
import type { InfraPorts, ManagedProcess } from './infra.ts';

const repoRoot = resolve(process.argv[2] ?? process.cwd());
const ports: InfraPorts = { kafka: 19192, kafkaController: 19193, mongo: 37117, smtp: 11125, mailWeb: 11180 };
const t0 = Date.now();
const secs = (since: number) => ((Date.now() - since) / 1000).toFixed(1);
const log = (line: string) => console.log(`[${secs(t0).padStart(5)} s] ${line}`);
const figures: string[] = [];

function check(cond: unknown, what: string): void {
  if (!cond) throw new Error(`check failed: ${what}`);
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const s = Date.now();
  const r = await fn();
  figures.push(`${label}: ${secs(s)} s`);
  return r;
}

async function kafkaRoundTrip(): Promise<void> {
  const brokers = [`127.0.0.1:${ports.kafka}`];
  const topic = 'smoke.events.v1';
  await createTopics(brokers, [{ name: topic, partitions: 3 }], log);
  await createTopics(brokers, [{ name: topic, partitions: 3 }], log); // idempotent: no error, no log
  const kafka = new Kafka({ clientId: 'smoke', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  check(meta.topics[0].partitions.length === 3, 'topic has 3 partitions');

  const total = 1000;
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const s = Date.now();
  for (let b = 0; b < 10; b++) {
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: total / 10 }, (_, i) => ({
        key: `k${(b * 100 + i) % 37}`,
        value: JSON.stringify({ n: b * 100 + i }),
      })),
    });
  }
  await producer.disconnect();
  log(`kafka: produced ${total} messages in ${secs(s)} s`);

  const groupId = 'smoke-group';
  // kafkajs' disconnect() waits for the in-flight fetch long-poll, i.e. up to
  // maxWaitTimeInMs (default 5 s): keep it short where teardown time matters
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Set<number>();
  const c = Date.now();
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.add(JSON.parse(String(message.value)).n);
    },
  });
  await waitFor(`${total} messages consumed`, async () => seen.size >= total, 60_000, { intervalMs: 20 });
  log(`kafka: consumed ${seen.size} distinct messages in group ${groupId} in ${secs(c)} s`);
  const d = Date.now();
  await consumer.disconnect(); // commits what it consumed
  log(`kafka: consumer disconnected (offsets committed) in ${secs(d)} s`);

  const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
  const committed = offsets[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
  check(committed === total, `committed offsets add up to ${total} (got ${committed})`);
  log(`kafka: committed offsets sum to ${committed} over ${offsets[0].partitions.length} partitions`);
  await admin.disconnect();
}

async function kafkaSurvivedRestart(): Promise<void> {
  const admin = new Kafka({ clientId: 'smoke', brokers: [`127.0.0.1:${ports.kafka}`], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const offsets = await admin.fetchOffsets({ groupId: 'smoke-group', topics: ['smoke.events.v1'] });
  await admin.disconnect();
  const committed = offsets[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
  check(committed === 1000, `topic and committed offsets survive a broker restart (got ${committed})`);
  log('kafka: topic and committed offsets survived the restart');
}

async function mongoChecks(): Promise<void> {
  const conn = await mongoose.createConnection(`mongodb://127.0.0.1:${ports.mongo}/smoke`).asPromise();
  try {
    const User = conn.model(
      'User',
      new mongoose.Schema({ email: { type: String, unique: true }, team: String, score: Number }),
    );
    await User.init(); // builds the unique index
    await User.create({ email: 'a@example.test', team: 'red', score: 1 });
    let dupCode: unknown;
    try {
      await User.create({ email: 'a@example.test', team: 'blue', score: 2 });
    } catch (err) {
      dupCode = (err as { code?: unknown }).code;
    }
    check(dupCode === 11000, `duplicate insert fails with E11000 (got ${String(dupCode)})`);

    const ops = Array.from({ length: 50 }, (_, i) => ({
      updateOne: {
        filter: { email: `u${i}@example.test` },
        update: { $set: { team: i % 2 ? 'red' : 'blue', score: i } },
        upsert: true,
      },
    }));
    const first = await User.bulkWrite(ops);
    const again = await User.bulkWrite(ops); // same upserts: now all matches
    check(first.upsertedCount === 50 && again.upsertedCount === 0 && again.matchedCount === 50, 'bulkWrite upserts');

    const groups = await User.aggregate<{ _id: string; n: number; total: number }>([
      { $group: { _id: '$team', n: { $sum: 1 }, total: { $sum: '$score' } } },
      { $sort: { _id: 1 } },
    ]);
    check(
      groups.length === 2 && groups[0]._id === 'blue' && groups[0].n === 25 && groups[1].n === 26,
      `$group result ${JSON.stringify(groups)}`,
    );
    log(`mongo: E11000 ok, bulkWrite upserts ok, $group -> ${JSON.stringify(groups)}`);
  } finally {
    await conn.close();
  }
}

async function mailCheck(): Promise<void> {
  const subject = `smoke ${Date.now()}`;
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: ports.smtp, secure: false, ignoreTLS: true });
  await transport.sendMail({ from: 'stack@example.test', to: 'someone@example.test', subject, text: 'hello from the smoke test' });
  transport.close();
  const api = `http://127.0.0.1:${ports.mailWeb}/api`;
  let id = '';
  // the filter form e2e tests want: any field path, arrays match any element
  const query = new URLSearchParams({ 'to.address': 'someone@example.test', subject });
  await waitFor('the mail to show up in MailDev', async () => {
    const list = (await (await fetch(`${api}/email?${query}`)).json()) as { id: string }[];
    id = list[0]?.id ?? '';
    return id !== '';
  }, 10_000);
  const mail = (await (await fetch(`${api}/email/${id}`)).json()) as { text: string; to: { address: string }[] };
  check(mail.text.includes('hello from the smoke test') && mail.to[0].address === 'someone@example.test', 'mail body');
  log(`maildev: mail ${id} found via GET /api/email?to.address=...&subject=... and read via /api/email/:id`);
}

async function h2Restart(dataDir: string): Promise<void> {
  const uri = `mongodb://127.0.0.1:${ports.mongo}/smoke`;
  const start = () => startMongo({ repoRoot, dataDir, port: ports.mongo, backend: 'h2', log });
  let mongo = await start();
  let conn = await mongoose.createConnection(uri).asPromise();
  await conn.collection('kept').insertOne({ _id: 'x' as never, v: 42 });
  await conn.close();
  await mongo.stop();
  mongo = await start();
  conn = await mongoose.createConnection(uri).asPromise();
  const doc = await conn.collection('kept').findOne({ _id: 'x' as never });
  await conn.close();
  await mongo.stop();
  check(doc?.v === 42, `h2 document survives a restart (got ${JSON.stringify(doc)})`);
  log('mongo: h2 document survived a stop/start');
}

function assertGone(procs: ManagedProcess[]): void {
  for (const p of procs) {
    let alive = true;
    try {
      process.kill(p.pid, 0);
    } catch {
      alive = false;
    }
    check(!alive && !p.isRunning(), `${p.name} (pid ${p.pid}) has exited`);
  }
  check(liveProcesses().length === 0, `no managed process left (${liveProcesses().map((p) => p.name).join(', ')})`);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'infra-smoke-'));
  log(`data dir ${dataDir}`);
  let ok = false;
  try {
    checkPrerequisites();
    await assertPortsFree({ ...ports });
    await timed('jars (ensureJars)', () => ensureJars(repoRoot, log));

    // in parallel, as the stack does: the per-service figures include contention
    const [kafka, mongo, mail] = await timed('infra start, all three in parallel', () =>
      Promise.all([
        timed('  kafka (format + ready)', () =>
          startKafka({ repoRoot, dataDir, port: ports.kafka, controllerPort: ports.kafkaController, log }),
        ),
        timed('  mongo (memory)', () => startMongo({ repoRoot, dataDir, port: ports.mongo, backend: 'memory', log })),
        timed('  maildev', () => startMailDev({ repoRoot, dataDir, smtpPort: ports.smtp, webPort: ports.mailWeb, log })),
      ]),
    );
    const procs = [mail, mongo, kafka];

    await timed('kafka 1,000-message round trip', kafkaRoundTrip);
    await timed('mongoose checks', mongoChecks);
    await timed('mail round trip', mailCheck);

    await timed('stop all', () => stopAll([procs]));
    assertGone(procs);
    await assertPortsFree({ ...ports });
    log('all stopped, ports free again');

    const k2 = await timed('kafka restart alone (already formatted)', () =>
      startKafka({ repoRoot, dataDir, port: ports.kafka, controllerPort: ports.kafkaController, log }),
    );
    await kafkaSurvivedRestart();
    await timed('kafka stop', () => k2.stop());

    await timed('mongo h2 write/restart/read', () => h2Restart(dataDir));
    assertGone(liveProcesses());
    ok = true;
  } finally {
    await stopAll([liveProcesses()]);
    figures.push(`total: ${secs(t0)} s`);
    console.log(`\n${ok ? 'SMOKE OK' : 'SMOKE FAILED'}\n  ${figures.join('\n  ')}`);
    if (ok) rmSync(dataDir, { recursive: true, force: true });
    else console.log(`logs kept in ${join(dataDir, 'logs')}`);
  }
}

process.once('SIGINT', () => {
  void stopAll([liveProcesses()]).finally(() => process.exit(130));
});

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
