// What every scenario gets: the running stack, clients for Kafka, the store and
// MailDev, the run's secrets, and the probes that tell when the system has done
// its work. The probes read the services' own databases directly: the bench is a
// white-box measurement tool, not a client of the platform.
import { AssignerProtocol, logLevel, type Admin, type Kafka, type Producer } from 'kafkajs';
import { newKafka } from '@feedback/messaging';
import { MongoClient, type Db } from 'mongodb';
import { signApiToken, type Role } from '@feedback/auth';
import { KeyRing } from '@feedback/pii';
import { SERVICES, type RunningStack, type ServiceName } from '../stack/stack.ts';
import { benchDbPrefix, type BenchSecrets } from './bench-stack.ts';
import type { KafkaMessageOut } from './events.ts';
import type { BenchOptions } from './options.ts';
import type { Progress } from './progress.ts';

export interface BenchContext {
  options: BenchOptions;
  stack: RunningStack;
  secrets: BenchSecrets;
  keyRing: KeyRing;
  /** Short id of this run: ids made by the bench carry it. */
  runId: string;
  progress: Progress;
  kafka: Kafka;
  producer: Producer;
  admin: Admin;
  mongo: MongoClient;
  /** Scenario details that go into the JSON document. */
  details: Record<string, unknown>;
  /** Services the bench stopped on purpose (see pauseService). */
  paused: Set<string>;
}

export async function openClients(stack: RunningStack): Promise<Pick<BenchContext, 'kafka' | 'producer' | 'admin' | 'mongo'>> {
  const kafka = newKafka({ clientId: 'bench', brokers: [stack.urls.kafkaBrokers], logLevel: logLevel.NOTHING, retry: { retries: 8 } });
  const producer = kafka.producer();
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  const mongo = new MongoClient(stack.urls.mongoUrl, { directConnection: true, serverSelectionTimeoutMS: 10_000 });
  await mongo.connect();
  return { kafka, producer, admin, mongo };
}

export function keyRingOf(secrets: BenchSecrets): KeyRing {
  return new KeyRing(secrets.piiKeys.split(',').map((entry) => {
    const [id, b64] = entry.split(':');
    return { id: id!, key: Buffer.from(b64!, 'base64') };
  }));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A service's own database (this run's: see benchDbPrefix). */
export function serviceDb(ctx: Pick<BenchContext, 'mongo' | 'runId'>, service: ServiceName): Db {
  return ctx.mongo.db(`${benchDbPrefix(ctx.runId)}${service}`);
}

export function apiToken(ctx: Pick<BenchContext, 'secrets'>, role: Role, claims: { sub: string; businessId?: string }): string {
  return signApiToken({ ...claims, role }, ctx.secrets.jwtSecret, 4 * 3600);
}

/**
 * Publishes `count` units (each one or more messages, e.g. an answered request's
 * two events) in batches, a few batches in flight, acknowledged by the broker.
 * `onSent` sees how many units are out so far.
 */
export async function publishUnits(
  producer: Producer,
  topic: string,
  count: number,
  unit: (i: number) => KafkaMessageOut[],
  o: { batch?: number; inFlight?: number; onSent?: (units: number) => void } = {},
): Promise<void> {
  const batch = o.batch ?? 500;
  let next = 0;
  let sent = 0;
  const worker = async () => {
    while (next < count) {
      const from = next;
      const to = Math.min(count, next + batch);
      next = to;
      const messages: KafkaMessageOut[] = [];
      for (let i = from; i < to; i++) messages.push(...unit(i));
      await producer.send({ topic, acks: -1, messages });
      sent += to - from;
      o.onSent?.(sent);
    }
  };
  await Promise.all(Array.from({ length: o.inFlight ?? 3 }, worker));
}

/** feedback_answers stored by feedback-store (estimated count: O(1) on the store). */
export function answersStored(ctx: Pick<BenchContext, 'mongo' | 'runId'>): Promise<number> {
  return serviceDb(ctx, 'feedback-store').collection('feedback_answers').estimatedDocumentCount();
}

interface FeedbackCounters {
  c?: { feedback?: { requested?: number; answered?: number; declined?: number; expired?: number } };
}

/**
 * Feedback events analytics has counted: every counted FeedbackRequested,
 * Submitted, Declined and Expired adds one to exactly one of these four
 * counters of its business-day, so their sum is the number of events counted.
 */
export async function feedbackEventsCounted(ctx: Pick<BenchContext, 'mongo' | 'runId'>, businessIds?: readonly string[]): Promise<number> {
  const docs = await serviceDb(ctx, 'analytics')
    .collection<FeedbackCounters>('business_days')
    .find(businessIds ? { businessId: { $in: [...businessIds] } } : {}, { projection: { 'c.feedback.requested': 1, 'c.feedback.answered': 1, 'c.feedback.declined': 1, 'c.feedback.expired': 1 } })
    .toArray();
  let total = 0;
  for (const d of docs) {
    const f = d.c?.feedback;
    total += (f?.requested ?? 0) + (f?.answered ?? 0) + (f?.declined ?? 0) + (f?.expired ?? 0);
  }
  return total;
}

/** Emails MailDev holds. */
export async function mailTotal(ctx: Pick<BenchContext, 'stack'>): Promise<number> {
  const response = await fetch(`${ctx.stack.urls.mailWebUrl}/api/email/summary?limit=1`);
  return ((await response.json()) as { total: number }).total;
}

/**
 * Messages the services' consumer groups have not committed yet, per group
 * (Infinity for a group with no member: not consuming at all)
 * (the group is the service name). Topics come from each group's live
 * assignment, so a topic the group has not committed anything on still counts.
 */
export async function consumerLag(admin: Admin): Promise<Record<string, number>> {
  const lag: Record<string, number> = {};
  const described = await admin.describeGroups([...SERVICES]);
  const ends = new Map<string, Map<number, { high: number; low: number }>>();
  for (const group of described.groups) {
    const topics = new Set<string>();
    for (const member of group.members) {
      const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
      for (const topic of Object.keys(assignment?.assignment ?? {})) topics.add(topic);
    }
    // No member: the service is not consuming (starting, rebalancing, or gone): not caught up.
    let behind = group.members.length === 0 ? Number.POSITIVE_INFINITY : 0;
    if (topics.size > 0) {
      for (const topic of topics) {
        if (!ends.has(topic)) {
          ends.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, { high: Number(p.high), low: Number(p.low) }])));
        }
      }
      const committed = await admin.fetchOffsets({ groupId: group.groupId, topics: [...topics] });
      for (const { topic, partitions } of committed) {
        for (const p of partitions) {
          const end = ends.get(topic)?.get(p.partition);
          if (!end) continue;
          const at = Number(p.offset);
          behind += at < 0 ? end.high - end.low : Math.max(0, end.high - at);
        }
      }
    }
    lag[group.groupId] = behind;
  }
  return lag;
}

/** The pid of each process of the stack (broker, store, MailDev, services), by name: for the CPU and memory samplers. */
export function stackPids(ctx: Pick<BenchContext, 'stack'>, names?: readonly string[]): Record<string, number> {
  return Object.fromEntries(ctx.stack.processes.filter((p) => !names || names.includes(p.name)).map((p) => [p.name, p.pid]));
}

/** A crashed process (say, out of memory) fails the scenario at once rather than at its timeout. */
export function assertStackRunning(ctx: Pick<BenchContext, 'stack' | 'paused'>): void {
  const gone = ctx.stack.processes.filter((p) => !p.isRunning() && !ctx.paused.has(p.name));
  if (gone.length > 0) throw new Error(`${gone.map((p) => p.name).join(', ')} exited: see ${gone.map((p) => p.logFile).join(', ')}`);
}

/** Stops a service for the rest of the run (its consumer group leaves; its backlog stays in Kafka). */
export async function pauseService(ctx: BenchContext, service: ServiceName): Promise<void> {
  const proc = ctx.stack.processes.find((p) => p.name === service);
  ctx.paused.add(service);
  await proc?.stop();
}

/**
 * Waits until every service has consumed everything published so far, so the
 * next scenario starts on a quiet system (no backlog competing for the 2 cores).
 */
export async function drain(ctx: BenchContext, what: string, timeoutMs = 30 * 60_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    assertStackRunning(ctx);
    const lag = await consumerLag(ctx.admin);
    const behind = Object.entries(lag).filter(([group, n]) => n > 0 && !ctx.paused.has(group));
    if (behind.length === 0) {
      ctx.progress.line(`      system idle (${what}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      return;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`the services did not catch up within ${timeoutMs / 1000} s: ${JSON.stringify(lag)}`);
    ctx.progress.status(`waiting for the services to catch up (${what}): ${behind.map(([g, n]) => (Number.isFinite(n) ? `${g} ${n.toLocaleString('en-US')} messages behind` : `${g} not in its group`)).join(', ')}`);
    await sleep(500);
  }
}
