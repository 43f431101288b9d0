// Pipeline throughput: N answered feedback requests (FeedbackRequested +
// FeedbackSubmitted each) published to feedback.requests.v1; the clock runs from
// the first publish until feedback-store has stored all N answers AND analytics
// has counted all 2N events. Every service consuming the topic does its real
// work meanwhile (notifications records an email per request too), as in
// production. The peak RSS of each service is sampled over the same window.
//
// Baseline: a bare kafkajs eachBatch consumer on the same broker reading the
// same kind and number of messages from a fresh topic, JSON-parsing each and
// bulk-inserting (insertMany, unordered) one document per message into a
// scratch database of the same MongoDB-wire server; timed the same way, from the
// first publish until the last insert. The pipeline's end is the later of the last
// answer's `receivedAt` and the last event's `appliedAt` (polled every 500 ms to
// know it's done; the stamps make the figure independent of that interval).
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createTopics } from '../../stack/infra.ts';
import { SERVICES } from '../../stack/stack.ts';
import { FEEDBACK_TOPIC, FeedbackEvents } from '../events.ts';
import { answersStored, assertStackRunning, drain, stackPids, feedbackEventsCounted, publishUnits, serviceDb, sleep, type BenchContext } from '../context.ts';
import type { Figure } from '../goals.ts';
import { ofTotal } from '../progress.ts';
import { describeCpu, meterCpu, perOperation } from '../cpu-usage.ts';
import { sampleRss } from '../rss-sampler.ts';
import { ratePerSecond } from '../stats.ts';
import { ANALYTICS_BUSINESSES, ANALYTICS_DAYS } from './analytics-reads.ts';
import { CEILING_CONSUMERS, runBareConsumer, type BareConsumerSpec, type BareProgress } from '../bare-consumer.ts';

/** Scratch database of the bare consumers (dropped after each run). */
const BARE_DB = 'bench_baseline';
const BARE_CONSUMER_PROCESS = join(__dirname, '..', 'bare-consumer-process.ts');

const MEMORY_LIMIT_MB = 256;

/** Every process of the stack, and the bench itself (it publishes, and in the baseline it consumes and inserts). */
const withBench = (ctx: BenchContext) => ({ ...stackPids(ctx), bench: process.pid });

async function baseline(ctx: BenchContext, answers: number): Promise<BareRun> {
  const topic = `bench.baseline.${ctx.runId}`;
  await createTopics([ctx.stack.urls.kafkaBrokers], [{ name: topic, partitions: 3 }], () => undefined);
  const collection = ctx.mongo.db(BARE_DB).collection(`events_${ctx.runId}`);
  const events = answers * 2;
  let inserted = 0;
  let finished: () => void = () => undefined;
  const allInserted = new Promise<void>((resolve) => (finished = resolve));
  const consumer = await runBareConsumer(ctx.kafka, collection, {
    topic,
    groupId: `bench-baseline-${ctx.runId}`,
    keep: 'all',
    onProgress: (progress) => {
      inserted = progress.inserted;
      if (inserted >= events) finished();
    },
  });
  try {
    const run = await publishAndTime(ctx, topic, answers, 'baseline', withBench(ctx), allInserted, () => `inserted ${ofTotal(inserted, events)} events`);
    ctx.progress.line(`      baseline: ${events.toLocaleString('en-US')} events in ${(run.elapsedMs / 1000).toFixed(1)} s`);
    ctx.progress.line(`      CPU ms per event: ${describeCpu(run.cpuMsPerEvent)} (the bench process consumes and inserts)`);
    return run;
  } finally {
    await consumer.disconnect();
    await collection.drop().catch(() => undefined); // free the store's heap for what follows
  }
}

interface BareRun {
  elapsedMs: number;
  events: number;
  cpuMsPerEvent: Record<string, number>;
}

/**
 * Publishes `answers` answered requests to `topic` and times them from the first
 * publish until `done`, metering the CPU of `pids` meanwhile.
 */
async function publishAndTime(ctx: BenchContext, topic: string, answers: number, label: string, pids: Record<string, number>, done: Promise<void>, status: () => string): Promise<BareRun> {
  const factory = new FeedbackEvents({ scope: `${ctx.runId}-${label}`, keyRing: ctx.keyRing, businesses: ANALYTICS_BUSINESSES, days: ANALYTICS_DAYS });
  const cpu = meterCpu(pids);
  const started = Date.now();
  let published = 0;
  const publishing = publishUnits(ctx.producer, topic, answers, (i) => factory.answered(i), { batch: 1000, onSent: (n) => (published = n) });
  const ticker = setInterval(() => ctx.progress.status(`${label}: published ${ofTotal(published, answers)} answers · ${status()}`), 250);
  await Promise.all([publishing, done]).finally(() => clearInterval(ticker));
  const elapsedMs = Date.now() - started;
  return { elapsedMs, events: answers * 2, cpuMsPerEvent: perOperation(cpu.stop(), answers * 2) };
}

/**
 * The pipeline's ceiling on this machine: the same three consumer groups the
 * topic has in the pipeline (feedback-store, notifications, analytics), each a
 * bare consumer (bare-consumer.ts) in a process of its own, keeping the events
 * its service acts on, with none of a service's own work (validation,
 * idempotency, encryption, indexes, aggregation). It tells how much of the gap
 * to the baseline (one such consumer alone) three consumer groups make on the
 * same cores, broker and store.
 */
async function ceiling(ctx: BenchContext, answers: number): Promise<BareRun> {
  const topic = `bench.ceiling.${ctx.runId}`;
  await createTopics([ctx.stack.urls.kafkaBrokers], [{ name: topic, partitions: 3 }], () => undefined);
  const events = answers * 2;
  const children = CEILING_CONSUMERS.map(({ name, keep }, n) => {
    const spec: BareConsumerSpec = {
      name,
      brokers: ctx.stack.urls.kafkaBrokers,
      mongoUrl: ctx.stack.urls.mongoUrl,
      topic,
      groupId: `bench-ceiling-${n}-${ctx.runId}`,
      db: BARE_DB,
      collection: `ceiling_${n}_${ctx.runId}`,
      keep,
      expected: events,
    };
    return { spec, child: new BareConsumerChild(spec) };
  });
  try {
    await Promise.all(children.map(({ child }) => child.ready));
    const pids = { ...withBench(ctx), ...Object.fromEntries(children.map(({ spec, child }) => [spec.name, child.pid])) };
    const allDone = Promise.all(children.map(({ child }) => child.done)).then(() => undefined);
    const run = await publishAndTime(ctx, topic, answers, 'ceiling', pids, withDeadline(allDone, Math.max(5 * 60_000, answers * 10), 'the bare consumers'), () =>
      children.map(({ spec, child }) => `${spec.name.replace('bare ', '')} ${ofTotal(child.progress.consumed, events)}`).join(' · '),
    );
    const kept = children.map(({ spec, child }) => `${spec.name} kept ${child.progress.inserted.toLocaleString('en-US')}`).join(', ');
    ctx.progress.line(`      ceiling: three bare consumers, ${events.toLocaleString('en-US')} events each in ${(run.elapsedMs / 1000).toFixed(1)} s (${kept})`);
    ctx.progress.line(`      CPU ms per event: ${describeCpu(run.cpuMsPerEvent)}`);
    return run;
  } finally {
    await Promise.all(children.map(({ child }) => child.stop()));
    await Promise.all(children.map(({ spec }) => ctx.mongo.db(BARE_DB).collection(spec.collection).drop().catch(() => undefined)));
  }
}

/** `work`, or a failure once `ms` have passed (a bare consumer that stalls must not hold the run up). */
function withDeadline(work: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} were not done after ${ms / 1000} s`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** A bare consumer in a child process (bare-consumer-process.ts). */
class BareConsumerChild {
  readonly progress: BareProgress = { consumed: 0, inserted: 0 };
  readonly ready: Promise<void>;
  readonly done: Promise<void>;
  private readonly child: ChildProcess;

  constructor(spec: BareConsumerSpec) {
    this.child = fork(BARE_CONSUMER_PROCESS, [JSON.stringify(spec)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exited = new Promise<never>((_, reject) => this.child.once('exit', (code) => reject(new Error(`${spec.name} exited (${code}) before it was done`))));
    let ready: () => void = () => undefined;
    let done: () => void = () => undefined;
    this.ready = Promise.race([new Promise<void>((resolve) => (ready = resolve)), exited]);
    this.done = Promise.race([new Promise<void>((resolve) => (done = resolve)), exited]);
    this.ready.catch(() => undefined);
    this.done.catch(() => undefined);
    this.child.on('message', (message: Partial<BareProgress> & { ready?: boolean; done?: boolean }) => {
      if (message.ready) ready();
      if (message.consumed !== undefined) Object.assign(this.progress, { consumed: message.consumed, inserted: message.inserted });
      if (message.done) done();
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Lets the child leave its consumer group and exit (it does when the IPC channel closes); killed if it takes over 6 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.disconnect();
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 6000);
    await exited;
    clearTimeout(killer);
  }
}

interface PipelineRun {
  elapsedMs: number;
  events: number;
  stored: number;
  counted: number;
  complete: boolean;
  peakRssMb: Record<string, number | undefined>;
  cpuMsPerEvent: Record<string, number>;
}

/**
 * When the last answer was stored and the last event counted, from the services'
 * own stamps (`receivedAt`, `appliedAt`), so the figure doesn't carry the polling
 * interval; the polled time when a sink keeps no per-event stamp.
 */
async function lastWriteAt(ctx: BenchContext, since: number, polledAt: number): Promise<number> {
  const latest = async (service: 'feedback-store' | 'analytics', collection: string, field: string) => {
    const [doc] = await serviceDb(ctx, service)
      .collection<Record<string, unknown>>(collection)
      .find({ [field]: { $gte: new Date(since) } }, { projection: { [field]: 1 } })
      .sort({ [field]: -1 })
      .limit(1)
      .toArray();
    return doc?.[field] instanceof Date ? doc[field].getTime() : undefined;
  };
  const stored = await latest('feedback-store', 'feedback_answers', 'receivedAt');
  const counted = await latest('analytics', 'applied_batches', 'appliedAt');
  return stored === undefined || counted === undefined ? polledAt : Math.min(polledAt, Math.max(stored, counted));
}

async function pipeline(ctx: BenchContext, answers: number): Promise<PipelineRun> {
  const events = answers * 2;
  const storedBefore = await answersStored(ctx);
  const countedBefore = await feedbackEventsCounted(ctx);
  const pids = stackPids(ctx, SERVICES);
  const factory = new FeedbackEvents({ scope: `${ctx.runId}-pipeline`, keyRing: ctx.keyRing, businesses: ANALYTICS_BUSINESSES, days: ANALYTICS_DAYS });
  const rss = sampleRss(pids);
  const cpu = meterCpu(withBench(ctx));
  const started = Date.now();
  // Time enough for a slow system to show how slow it is, bounded so the run ends.
  const deadline = started + Math.max(10 * 60_000, answers * 20);
  let published = 0;
  const publishing = publishUnits(ctx.producer, FEEDBACK_TOPIC, answers, (i) => factory.answered(i), { batch: 1000, onSent: (n) => (published = n) });
  let stored = 0;
  let counted = 0;
  let complete = false;
  try {
    for (;;) {
      stored = (await answersStored(ctx)) - storedBefore;
      counted = (await feedbackEventsCounted(ctx)) - countedBefore;
      const elapsed = Date.now() - started;
      if (stored >= answers && counted >= events) {
        complete = true;
        break;
      }
      if (Date.now() > deadline) break;
      assertStackRunning(ctx);
      ctx.progress.status(
        `published ${ofTotal(published * 2, events)} events · stored ${ofTotal(stored, answers)} answers · counted ${ofTotal(counted, events)} events · ${Math.round(ratePerSecond(Math.min(stored * 2, counted), elapsed))} events/s · ${(elapsed / 1000).toFixed(0)} s`,
      );
      await sleep(500);
    }
  } finally {
    await publishing.catch(() => undefined);
  }
  const peakRssMb = rss.stop();
  // Up to the poll that saw every event in (at most half a second after the last write).
  const cpuMsPerEvent = perOperation(cpu.stop(), events);
  const elapsedMs = (complete ? await lastWriteAt(ctx, started, Date.now()) : Date.now()) - started;
  ctx.progress.line(`      pipeline: ${complete ? 'all' : 'NOT all'} ${events.toLocaleString('en-US')} events stored and counted in ${(elapsedMs / 1000).toFixed(1)} s (stored ${stored}, counted ${counted})`);
  ctx.progress.line(`      CPU ms per event: ${describeCpu(cpuMsPerEvent)}`);
  return { elapsedMs, events, stored, counted, complete, peakRssMb, cpuMsPerEvent };
}

export async function pipelineScenario(ctx: BenchContext): Promise<Figure[]> {
  const answers = ctx.options.sizes.pipelineAnswers;
  ctx.progress.line(`      baseline first: a bare kafkajs batch consumer, ${(answers * 2).toLocaleString('en-US')} events, bulk inserts`);
  const base = await baseline(ctx, answers);
  ctx.progress.line(`      then its ceiling: three bare consumers at once, one per consumer group of the topic in the pipeline`);
  // For information only: a ceiling that cannot be measured leaves the pipeline's own figures standing.
  const top = await ceiling(ctx, answers).catch((error: unknown): BareRun => {
    ctx.progress.line(`      ceiling not measured: ${(error as Error).message}`);
    return { elapsedMs: Number.NaN, events: answers * 2, cpuMsPerEvent: {} };
  });
  await drain(ctx, 'before the pipeline run');
  const run = await pipeline(ctx, answers);
  ctx.details.pipeline = { answers, baseline: base, ceiling: top, run };
  const throughput = run.complete ? ratePerSecond(run.events, run.elapsedMs) : Number.NaN;
  const baselineRate = { label: 'bare kafkajs + insertMany', value: ratePerSecond(base.events, base.elapsedMs) };
  const ceilingRate = ratePerSecond(top.events, top.elapsedMs);
  const figures: Figure[] = [
    {
      scenario: 'pipeline',
      name: 'throughput',
      value: throughput,
      unit: 'events/s',
      note: run.complete ? `${answers.toLocaleString('en-US')} answers, ${run.events.toLocaleString('en-US')} events in ${(run.elapsedMs / 1000).toFixed(1)} s` : `incomplete after ${(run.elapsedMs / 1000).toFixed(0)} s: ${run.stored} stored, ${run.counted} counted`,
      baseline: baselineRate,
      goal: { kind: 'ratio-at-least', min: 0.8 },
    },
    // For information: how far the same cores, broker and store let three consumer groups go, and the pipeline against that.
    {
      scenario: 'pipeline',
      name: 'ceiling',
      value: ceilingRate,
      unit: 'events/s',
      note: Number.isFinite(top.elapsedMs) ? `three bare consumers at once, ${top.events.toLocaleString('en-US')} events each in ${(top.elapsedMs / 1000).toFixed(1)} s` : 'not measured',
      baseline: baselineRate,
    },
    {
      scenario: 'pipeline',
      name: 'throughput against the ceiling',
      value: throughput,
      unit: 'events/s',
      baseline: { label: 'ceiling: three bare consumers', value: ceilingRate },
    },
  ];
  for (const service of SERVICES) {
    figures.push({
      scenario: 'memory',
      name: `peak RSS ${service}`,
      value: run.peakRssMb[service] ?? Number.NaN,
      unit: 'MB',
      note: 'during the pipeline run',
      goal: { kind: 'at-most', max: MEMORY_LIMIT_MB },
    });
  }
  return figures;
}
