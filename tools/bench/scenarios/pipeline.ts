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

const MEMORY_LIMIT_MB = 256;

/** Every process of the stack, and the bench itself (it publishes, and in the baseline it consumes and inserts). */
const withBench = (ctx: BenchContext) => ({ ...stackPids(ctx), bench: process.pid });

async function baseline(ctx: BenchContext, answers: number): Promise<{ elapsedMs: number; events: number; cpuMsPerEvent: Record<string, number> }> {
  const topic = `bench.baseline.${ctx.runId}`;
  await createTopics([ctx.stack.urls.kafkaBrokers], [{ name: topic, partitions: 3 }], () => undefined);
  const collection = ctx.mongo.db('bench_baseline').collection(`events_${ctx.runId}`);
  const events = answers * 2;
  let inserted = 0;
  let finished: () => void = () => undefined;
  const allInserted = new Promise<void>((resolve) => (finished = resolve));
  const consumer = ctx.kafka.consumer({ groupId: `bench-baseline-${ctx.runId}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const docs = batch.messages.map((m) => {
          const event = JSON.parse(m.value!.toString('utf8')) as { id: string; type: string; data: unknown };
          return { _id: event.id, type: event.type, data: event.data, partition: batch.partition, offset: m.offset };
        });
        if (docs.length > 0) await collection.insertMany(docs as never[], { ordered: false });
        inserted += docs.length;
        if (inserted >= events) finished();
      },
    });
    await joined;
    const factory = new FeedbackEvents({ scope: `${ctx.runId}-baseline`, keyRing: ctx.keyRing, businesses: ANALYTICS_BUSINESSES, days: ANALYTICS_DAYS });
    const cpu = meterCpu(withBench(ctx));
    const started = Date.now();
    let published = 0;
    const publishing = publishUnits(ctx.producer, topic, answers, (i) => factory.answered(i), { batch: 1000, onSent: (n) => (published = n) });
    const ticker = setInterval(() => ctx.progress.status(`baseline: published ${ofTotal(published, answers)} answers · inserted ${ofTotal(inserted, events)} events`), 250);
    await Promise.all([publishing, allInserted]).finally(() => clearInterval(ticker));
    const elapsedMs = Date.now() - started;
    const cpuMsPerEvent = perOperation(cpu.stop(), events);
    ctx.progress.line(`      baseline: ${events.toLocaleString('en-US')} events in ${(elapsedMs / 1000).toFixed(1)} s`);
    ctx.progress.line(`      CPU ms per event: ${describeCpu(cpuMsPerEvent)} (the bench process consumes and inserts)`);
    return { elapsedMs, events, cpuMsPerEvent };
  } finally {
    await consumer.disconnect();
    await collection.drop().catch(() => undefined); // free the store's heap for what follows
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
  await drain(ctx, 'before the pipeline run');
  const run = await pipeline(ctx, answers);
  ctx.details.pipeline = { answers, baseline: base, run };
  const throughput = run.complete ? ratePerSecond(run.events, run.elapsedMs) : Number.NaN;
  const figures: Figure[] = [
    {
      scenario: 'pipeline',
      name: 'throughput',
      value: throughput,
      unit: 'events/s',
      note: run.complete ? `${answers.toLocaleString('en-US')} answers, ${run.events.toLocaleString('en-US')} events in ${(run.elapsedMs / 1000).toFixed(1)} s` : `incomplete after ${(run.elapsedMs / 1000).toFixed(0)} s: ${run.stored} stored, ${run.counted} counted`,
      baseline: { label: 'bare kafkajs + insertMany', value: ratePerSecond(base.events, base.elapsedMs) },
      goal: { kind: 'ratio-at-least', min: 0.8 },
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
