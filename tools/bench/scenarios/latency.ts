// End-to-end latency at a steady offered load: FeedbackSubmitted events (each
// an answer that must be both stored and counted) published at a fixed rate for
// a fixed time. An event's latency runs from the moment the schedule said to
// publish it (not when the producer got round to it, so a lagging generator
// can't hide queueing: no coordinated omission) until the later of
//   - feedback-store's `receivedAt` on the stored answer, and
//   - analytics' `appliedAt` on the record of the batch that counted the event,
// both stamped by the services with the same clock as the bench's. Both are
// stamped just before the final write of the handler, so they under-state by
// that write (a millisecond or two), never by a polling interval. When analytics
// keeps no record of the events it counted, its side falls back to the counter of the latency
// run's businesses polled every 50 ms (k-th event done when the count reaches k).
import { benchBusinesses, eventIdOf, FEEDBACK_TOPIC, FeedbackEvents } from '../events.ts';
import { answersStored, drain, feedbackEventsCounted, serviceDb, sleep, type BenchContext } from '../context.ts';
import type { Figure } from '../goals.ts';
import { ofTotal } from '../progress.ts';
import { completionFromCounts, summarize } from '../stats.ts';

const LATENCY_BUSINESSES = benchBusinesses('bench-lat', 10);
const P99_GOAL_MS = 250;

interface Sent {
  requestId: string;
  eventId: string;
  scheduledAt: number;
  /** When the broker acknowledged it: how much of the latency is the publish itself. */
  ackedAt?: number;
}

export async function latencyScenario(ctx: BenchContext): Promise<Figure[]> {
  const { latencyRatePerSecond: rate, latencySeconds: seconds } = ctx.options.sizes;
  const total = rate * seconds;
  await drain(ctx, 'before the latency run');
  const analytics = serviceDb(ctx, 'analytics');
  const appliedRecords = analytics.collection<{ ids: string[]; appliedAt: Date }>('applied_batches');
  const recordsPerEvent = (await appliedRecords.estimatedDocumentCount()) > 0;
  // While the clock runs, only O(1) counts are polled (nothing else is running, so a
  // delta is exact): a scan of a growing collection would load the store being measured.
  const storedBefore = await answersStored(ctx);
  const countedBefore = await feedbackEventsCounted(ctx, LATENCY_BUSINESSES);
  const factory = new FeedbackEvents({ scope: `${ctx.runId}-latency`, keyRing: ctx.keyRing, businesses: LATENCY_BUSINESSES, days: 7 });
  // Built before the clock starts: sealing and encoding are the producer's cost, not the platform's.
  const messages = Array.from({ length: total }, (_, i) => factory.submitted(i));
  const sent: Sent[] = messages.map((m) => ({ requestId: m.key, eventId: eventIdOf(m), scheduledAt: 0 }));

  const counts: { at: number; count: number }[] = [];
  let polling = true;
  // Awaited only after the run: its failure must not be an unhandled rejection meanwhile.
  const poller = (async () => {
    while (polling) {
      // The counter of the latency run's few business-days. With records of the counted events it only
      // says when to stop; without them it is the measurement: polled finely.
      const count = (await feedbackEventsCounted(ctx, LATENCY_BUSINESSES)) - countedBefore;
      counts.push({ at: Date.now(), count });
      await sleep(recordsPerEvent ? 200 : 50);
    }
  })().then(
    () => undefined,
    (error: unknown) => error as Error,
  );

  const t0 = Date.now() + 50;
  let next = 0;
  const sends: Promise<unknown>[] = [];
  while (next < total) {
    const now = Date.now();
    const due = Math.min(total, Math.floor(((now - t0) * rate) / 1000) + 1);
    if (due > next) {
      for (let i = next; i < due; i++) sent[i]!.scheduledAt = t0 + (i * 1000) / rate;
      const [from, to] = [next, due];
      sends.push(
        ctx.producer.send({ topic: FEEDBACK_TOPIC, acks: -1, messages: messages.slice(from, to) }).then(() => {
          const ackedAt = Date.now();
          for (let i = from; i < to; i++) sent[i]!.ackedAt = ackedAt;
        }),
      );
      next = due;
    }
    ctx.progress.status(`offered ${ofTotal(next, total)} events at ${rate}/s`);
    await sleep(5);
  }
  const issuedMs = Date.now() - t0;
  await Promise.all(sends);
  const publishedMs = Date.now() - t0;

  // Wait for both sinks, at most 2 minutes after the last publish.
  const businessFilter = { businessId: { $in: LATENCY_BUSINESSES } };
  const answers = serviceDb(ctx, 'feedback-store').collection<{ _id: string; receivedAt: Date }>('feedback_answers');
  const deadline = Date.now() + 120_000;
  let stored = 0;
  let counted = 0;
  for (;;) {
    stored = (await answersStored(ctx)) - storedBefore;
    counted = counts.at(-1)?.count ?? 0;
    ctx.progress.status(`stored ${ofTotal(stored, total)} · counted ${ofTotal(counted, total)}`);
    if ((stored >= total && counted >= total) || Date.now() > deadline) break;
    await sleep(200);
  }
  polling = false;
  const pollFailure = await poller;
  if (pollFailure) throw pollFailure;

  const storedAt = new Map<string, number>();
  for (const doc of await answers.find({ ...businessFilter, receivedAt: { $gte: new Date(t0 - 1000) } }, { projection: { receivedAt: 1 } }).toArray()) {
    storedAt.set(doc._id, doc.receivedAt.getTime());
  }
  const countedAt = new Map<string, number>();
  if (recordsPerEvent) {
    for (const doc of await appliedRecords.find({ appliedAt: { $gte: new Date(t0 - 1000) } }, { projection: { ids: 1, appliedAt: 1 } }).toArray()) {
      for (const id of doc.ids) countedAt.set(id, doc.appliedAt.getTime());
    }
  } else {
    const byOrder = completionFromCounts(total, counts);
    sent.forEach((s, i) => byOrder[i] !== undefined && countedAt.set(s.eventId, byOrder[i]!));
  }

  // An event that never completed counts as infinitely late: it fails the goal, visibly.
  const latencies = sent.map((s) => {
    const a = storedAt.get(s.requestId);
    const b = countedAt.get(s.eventId);
    return a === undefined || b === undefined ? Number.POSITIVE_INFINITY : Math.max(a, b) - s.scheduledAt;
  });
  const incomplete = latencies.filter((l) => !Number.isFinite(l)).length;
  const summary = summarize(latencies);
  // Each sink on its own, to tell which one makes the tail.
  const sinkLatency = (at: (s: Sent) => number | undefined) => summarize(sent.map((s) => (at(s) ?? Number.POSITIVE_INFINITY) - s.scheduledAt));
  const bySink = { stored: sinkLatency((s) => storedAt.get(s.requestId)), counted: sinkLatency((s) => countedAt.get(s.eventId)) };
  const achievedRate = (total * 1000) / publishedMs;
  const publishLag = summarize(sent.map((s) => (s.ackedAt ?? Number.POSITIVE_INFINITY) - s.scheduledAt));
  // Per second of the schedule: whether the tail is spread out (throughput) or a few stalls.
  const timeline = Array.from({ length: seconds }, (_, second) => {
    const inSecond = (at: (s: Sent) => number | undefined) =>
      summarize(sent.slice(second * rate, (second + 1) * rate).map((s) => (at(s) ?? Number.POSITIVE_INFINITY) - s.scheduledAt));
    const [storedSecond, countedSecond] = [inSecond((s) => storedAt.get(s.requestId)), inSecond((s) => countedAt.get(s.eventId))];
    return { second, storedP50: storedSecond.p50, storedMax: storedSecond.max, countedP50: countedSecond.p50, countedMax: countedSecond.max };
  });
  ctx.details.latency = { startedAt: new Date(t0).toISOString(), rate, seconds, total, issuedRate: (total * 1000) / issuedMs, achievedRate, publishLag, incomplete, method: recordsPerEvent ? 'per-event timestamps (feedback-store, and the batch records of analytics)' : 'feedback-store timestamps; analytics counter polled every 50 ms', summary, bySink, timeline };
  ctx.progress.line(`      publish (schedule to broker ack): p50 ${publishLag.p50.toFixed(0)} ms, p99 ${publishLag.p99.toFixed(0)} ms`);
  for (const [sink, sinkSummary] of Object.entries(bySink)) ctx.progress.line(`      ${sink} alone: p50 ${sinkSummary.p50.toFixed(0)} ms, p99 ${sinkSummary.p99.toFixed(0)} ms`);
  ctx.progress.line(`      ${total.toLocaleString('en-US')} events at ${achievedRate.toFixed(0)}/s: p50 ${summary.p50.toFixed(0)} ms, p95 ${summary.p95.toFixed(0)} ms, p99 ${summary.p99.toFixed(0)} ms${incomplete ? `, ${incomplete} never completed` : ''}`);
  const note = `${total.toLocaleString('en-US')} answers at ${rate}/s for ${seconds} s${incomplete ? `, ${incomplete} not done in 2 min` : ''}`;
  return [
    { scenario: 'latency', name: 'p50', value: summary.p50, unit: 'ms', note },
    { scenario: 'latency', name: 'p95', value: summary.p95, unit: 'ms', note },
    { scenario: 'latency', name: 'p99', value: summary.p99, unit: 'ms', note, goal: { kind: 'at-most', max: P99_GOAL_MS } },
  ];
}
