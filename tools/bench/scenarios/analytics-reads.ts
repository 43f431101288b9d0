// Analytics reads: the dashboard API's p95 with 10 thousand events behind it,
// then with 1 million (quick mode: a smaller second size, named in the table).
// The events travel the real way (Kafka → analytics' consumer → its store), and
// the reads run only once every service has caught up, so nothing but the reads
// competes for the CPU.
import { benchBusinesses, FEEDBACK_TOPIC, FeedbackEvents } from '../events.ts';
import { apiToken, assertStackRunning, drain, feedbackEventsCounted, pauseService, publishUnits, sleep, type BenchContext } from '../context.ts';
import type { Figure } from '../goals.ts';
import { ofTotal } from '../progress.ts';
import { summarize, type LatencySummary } from '../stats.ts';

/** The businesses and days the bench's analytics events land in (shared with the pipeline run). */
export const ANALYTICS_BUSINESSES = benchBusinesses('bench-biz', 50);
export const ANALYTICS_DAYS = 28;

export interface ReadResult {
  events: number;
  overview: LatencySummary;
  business: LatencySummary;
  /** Every call's time in call order (ms), to tell warm-up or interference from steady cost. */
  samples: { overview: number[]; business: number[] };
}

/** Events in a lifecycle of request `i` (see FeedbackEvents.lifecycle), without building it. */
const lifecycleLength = (i: number) => ((i * 7) % 20 < 17 ? 2 : 1);

/** Publishes request lifecycles until analytics will have counted `target` events, then waits for it. */
async function fillTo(ctx: BenchContext, target: number, scope: string): Promise<number> {
  const already = await feedbackEventsCounted(ctx);
  const missing = target - already;
  if (missing <= 0) return already;
  let units = 0;
  for (let events = 0; events < missing; units++) events += lifecycleLength(units);
  const factory = new FeedbackEvents({ scope, keyRing: ctx.keyRing, businesses: ANALYTICS_BUSINESSES, days: ANALYTICS_DAYS });
  let published = 0;
  const publishing = publishUnits(ctx.producer, FEEDBACK_TOPIC, units, (i) => factory.lifecycle(i), { batch: 1000, onSent: (n) => (published = n) });
  const started = Date.now();
  let done = false;
  void publishing.then(() => (done = true));
  for (;;) {
    const counted = await feedbackEventsCounted(ctx);
    const rate = ((counted - already) * 1000) / Math.max(1, Date.now() - started);
    ctx.progress.status(`requests published ${ofTotal(published, units)} · events counted by analytics ${ofTotal(counted, target)} · ${Math.round(rate)} events/s`);
    if (done && counted >= target) {
      await publishing;
      ctx.progress.line(`      analytics counted ${counted.toLocaleString('en-US')} events (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      return counted;
    }
    assertStackRunning(ctx);
    await sleep(1000);
  }
}

/** One GET of a dashboard endpoint; its time in ms (the whole body read). */
async function timedCall(url: string, token: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return performance.now() - started;
}

async function timeCalls(url: string, token: string, calls: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) samples.push(await timedCall(url, token));
  return samples;
}

/**
 * Untimed calls of every endpoint, in turn, before any is timed. The small fill
 * is the bench's first scenario, on a stack that has served no read yet: with 50
 * calls of warm-up, its calls still got faster all through the timed ones (the
 * median of the first hundred 5.0-6.6 ms, of the last hundred 2.7-4.6, 12-07),
 * as analytics' and the store's compilers warmed to the read path, so the 10k
 * figure measured a colder stack than the 1M one after it.
 */
async function warmUp(urls: readonly string[], token: string, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) for (const url of urls) await timedCall(url, token);
}

/** Fills analytics to `target` events, lets it settle, and times the two dashboard endpoints (one call at a time). */
export async function measureReads(ctx: BenchContext, target: number, scope: string): Promise<ReadResult> {
  const events = await fillTo(ctx, target, scope);
  await drain(ctx, 'before the reads');
  await sleep(3000); // the overview's monthly rollups are rebuilt every 2 s: let them finish
  const today = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
  const query = `from=${from}&to=${today}&granularity=day`;
  const token = apiToken(ctx, 'analyst', { sub: 'bench-analyst' });
  const base = ctx.stack.urls.services.analytics;
  // The large run's reads happen with notifications stopped (see analyticsLarge): the
  // small run's are timed with it frozen, so both see the same processes running.
  const notifications = ctx.stack.processes.find((p) => p.name === 'notifications' && p.isRunning());
  notifications?.kill('SIGSTOP');
  let overviewSamples: number[];
  let businessSamples: number[];
  const overviewUrl = `${base}/v1/stats/overview?${query}`;
  const businessUrl = `${base}/v1/stats/businesses/${ANALYTICS_BUSINESSES[0]}?${query}`;
  try {
    ctx.progress.status(`warming up: ${ctx.options.sizes.readWarmUpCalls} untimed calls of each endpoint`);
    await warmUp([overviewUrl, businessUrl], token, ctx.options.sizes.readWarmUpCalls);
    ctx.progress.status(`timing ${ctx.options.sizes.readCalls} calls of GET /v1/stats/overview`);
    overviewSamples = await timeCalls(overviewUrl, token, ctx.options.sizes.readCalls);
    ctx.progress.status(`timing ${ctx.options.sizes.readCalls} calls of GET /v1/stats/businesses/:id`);
    businessSamples = await timeCalls(businessUrl, token, ctx.options.sizes.readCalls);
  } finally {
    notifications?.kill('SIGCONT');
  }
  const overview = summarize(overviewSamples);
  const business = summarize(businessSamples);
  ctx.progress.line(`      ${events.toLocaleString('en-US')} events: overview p95 ${overview.p95.toFixed(1)} ms, business p95 ${business.p95.toFixed(1)} ms`);
  const round = (xs: number[]) => xs.map((x) => Math.round(x * 10) / 10);
  return { events, overview, business, samples: { overview: round(overviewSamples), business: round(businessSamples) } };
}

const eventsLabel = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${Math.round(n / 1000)}k`);

export async function analyticsSmall(ctx: BenchContext): Promise<{ figures: Figure[]; result: ReadResult }> {
  const result = await measureReads(ctx, ctx.options.sizes.analyticsSmall, `${ctx.runId}-fill-small`);
  ctx.details['analytics-small'] = result;
  const figures: Figure[] = [
    { scenario: 'analytics reads', name: 'overview p95', value: result.overview.p95, unit: 'ms', note: `${result.events.toLocaleString('en-US')} events` },
    { scenario: 'analytics reads', name: 'business p95', value: result.business.p95, unit: 'ms', note: `${result.events.toLocaleString('en-US')} events` },
  ];
  return { figures, result };
}

export async function analyticsLarge(ctx: BenchContext, small: ReadResult | undefined): Promise<Figure[]> {
  // notifications takes no part in analytics reads, and would have to record an
  // undeliverable email for each of the fill's hundreds of thousands of synthetic
  // requests (about 100 a second here: hours) before the system is quiet enough to
  // time reads. So it is stopped for the rest of the run; its own scenario measures it.
  if (ctx.stack.processes.some((p) => p.name === 'notifications')) {
    ctx.progress.line('      notifications stopped for the rest of the run (not involved in analytics reads)');
    await pauseService(ctx, 'notifications');
  }
  const large = await measureReads(ctx, ctx.options.sizes.analyticsLarge, `${ctx.runId}-fill-large`);
  ctx.details['analytics-large'] = large;
  const note = `${large.events.toLocaleString('en-US')} events${ctx.options.mode === 'quick' ? '; quick mode: not 1M' : ''}`;
  const label = small ? `at ${eventsLabel(small.events)} events` : '';
  const goal = { kind: 'ratio-at-most' as const, max: 1.5 };
  return [
    { scenario: 'analytics reads', name: 'overview p95', value: large.overview.p95, unit: 'ms', note, ...(small ? { baseline: { label, value: small.overview.p95 }, goal } : {}) },
    { scenario: 'analytics reads', name: 'business p95', value: large.business.p95, unit: 'ms', note, ...(small ? { baseline: { label, value: small.business.p95 }, goal } : {}) },
  ];
}
