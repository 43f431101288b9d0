// Notifications: emails rendered and delivered per second. N people and their
// business are made known upstream first; then N FeedbackRequested events go to
// feedback.requests.v1 and the clock runs until MailDev holds all N emails
// (looked up in the recipient's language, rendered from the templates, sent over
// the service's pooled SMTP transport, each delivery recorded with its event).
//
// Baseline: raw nodemailer with a pooled transport of the service's pool size (5
// connections), sending N copies of one email the pipeline rendered
// (pre-rendered: no lookups, no templates, no records) to the same MailDev; timed
// from the first send until MailDev holds all N. MailDev is emptied before each.
//
// A side takes 4-6 s, short enough for the machine's phases to move one
// measurement by a tenth: the two are measured in alternated pairs after an
// untimed warm-up of both, and the pair with the median ratio is the figure
// (tools/bench/trials.ts); every pair is in the JSON document.
import { randomUUID } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { FEEDBACK_TOPIC, FeedbackEvents, type KafkaMessageOut } from '../events.ts';
import { drain, mailTotal, publishUnits, serviceDb, sleep, stackPids, type BenchContext } from '../context.ts';
import type { Figure } from '../goals.ts';
import { describeCpu, meterCpu, perOperation } from '../cpu-usage.ts';
import { ofTotal } from '../progress.ts';
import { ratePerSecond } from '../stats.ts';
import { alternatedOrder, measureInOrder, medianPair, pairsNote, type Side } from '../trials.ts';

const LANGUAGES = ['en', 'nl', 'fr', 'de', 'es', 'da'];

interface MailDevMail {
  subject: string;
  html?: string;
  text?: string;
  headers: Record<string, string | string[]>;
}

/** A business and its people, known to notifications, who have received nothing yet. */
interface Recipients {
  businessId: string;
  factory: FeedbackEvents;
  people: { userId: string; email: string; language: string }[];
}

/** One side of a trial, timed. */
interface Measured {
  ms: number;
  cpuMsPerEmail: Record<string, number>;
}

interface Trial {
  order: Side[];
  /** Emails per second of each side. */
  system: number;
  baseline: number;
  pipeline: Measured & { recordedSent: number };
  nodemailer: Measured;
}

const upstream = (type: string, data: object) => JSON.stringify({ id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), source: 'bench', correlationId: randomUUID(), data });

async function clearMailDev(ctx: BenchContext): Promise<void> {
  await fetch(`${ctx.stack.urls.mailWebUrl}/api/email/all`, { method: 'DELETE' });
}

async function waitForMail(ctx: BenchContext, expected: number, label: string, started: number, timeoutMs: number): Promise<number> {
  for (;;) {
    const total = await mailTotal(ctx);
    const elapsed = Date.now() - started;
    if (total >= expected) return elapsed;
    if (elapsed > timeoutMs) throw new Error(`${label}: only ${total} of ${expected} emails reached MailDev in ${timeoutMs / 1000} s`);
    ctx.progress.status(`${label}: ${ofTotal(total, expected)} emails in MailDev · ${Math.round(ratePerSecond(total, elapsed))} emails/s`);
    await sleep(200);
  }
}

const timeoutFor = (n: number) => Math.max(5 * 60_000, n * 200);

/** A new business and `n` new people, published upstream and stored by notifications (untimed). */
async function makeKnown(ctx: BenchContext, label: string, n: number): Promise<Recipients> {
  const businessId = `bench-mail-${ctx.runId}-${label}`;
  const factory = new FeedbackEvents({ scope: `${ctx.runId}-mail-${label}`, keyRing: ctx.keyRing, businesses: [businessId], days: 1 });
  const people = Array.from({ length: n }, (_, i) => ({ userId: factory.request(i).userId, email: `person.${i}.${label}.${ctx.runId}@mail.example`, language: LANGUAGES[i % LANGUAGES.length]! }));
  ctx.progress.status(`${label}: making the business and ${n} people known upstream`);
  await ctx.producer.send({
    topic: 'upstream.businesses.v1',
    acks: -1,
    messages: [
      {
        key: businessId,
        value: upstream('BusinessProfileUpdated', {
          businessId,
          name: 'Bench Bakery',
          privacyPolicyUrl: 'https://bench.example/privacy',
          users: [{ userId: `${businessId}-admin`, email: `owner@${businessId}.example`, preferredLanguage: 'en', role: 'admin' }],
        }),
      },
    ],
  });
  await publishUnits(ctx.producer, 'upstream.users.v1', n, (i): KafkaMessageOut[] => {
    const p = people[i]!;
    return [{ key: p.userId, value: upstream('UserProfileUpdated', { userId: p.userId, email: p.email, preferredLanguage: p.language, displayName: `Bench Person ${i}` }) }];
  });
  await drain(ctx, `${label}: profiles known to notifications`);
  return { businessId, factory, people };
}

/** The platform: a FeedbackRequested per person, until MailDev holds every email. */
async function timePipeline(ctx: BenchContext, to: Recipients, label: string): Promise<Measured & { recordedSent: number }> {
  const n = to.people.length;
  await drain(ctx, `${label}: before the pipeline`);
  await clearMailDev(ctx);
  // The bench's own process too: in the baseline it is the sender.
  const cpu = meterCpu({ ...stackPids(ctx), bench: process.pid });
  const started = Date.now();
  await publishUnits(ctx.producer, FEEDBACK_TOPIC, n, (i) => [to.factory.requested(i)]);
  const ms = await waitForMail(ctx, n, `${label}: pipeline`, started, timeoutFor(n));
  const cpuMsPerEmail = perOperation(cpu.stop(), n);
  const recordedSent = await serviceDb(ctx, 'notifications').collection('deliveries').countDocuments({ businessId: to.businessId, status: 'sent' });
  ctx.progress.line(`      ${label}: pipeline ${n} emails in ${(ms / 1000).toFixed(1)} s (${recordedSent} recorded sent by then); CPU ms per email ${describeCpu(cpuMsPerEmail)}`);
  return { ms, cpuMsPerEmail, recordedSent };
}

/** The baseline: a copy of `sample` to each person, straight to a pool of the service's size. */
async function timeBaseline(ctx: BenchContext, to: Recipients, sample: MailDevMail, label: string): Promise<Measured> {
  const n = to.people.length;
  await drain(ctx, `${label}: before the nodemailer baseline`);
  await clearMailDev(ctx);
  const smtp = new URL(ctx.stack.urls.smtpUrl);
  const transport = createTransport({ pool: true, host: smtp.hostname, port: Number(smtp.port), secure: false, ignoreTLS: true, maxConnections: 5 }); // the pool size of the service's SmtpMailSender
  const cpu = meterCpu({ ...stackPids(ctx), bench: process.pid });
  const started = Date.now();
  try {
    const sending = Promise.all(
      to.people.map((p) =>
        transport.sendMail({
          from: 'Feedback platform <no-reply@feedback.example>',
          to: p.email,
          subject: sample.subject,
          html: sample.html,
          text: sample.text,
          headers: { 'Content-Language': p.language, 'Auto-Submitted': 'auto-generated' },
        }),
      ),
    );
    const [, ms] = await Promise.all([sending, waitForMail(ctx, n, `${label}: nodemailer baseline`, started, timeoutFor(n))]);
    const cpuMsPerEmail = perOperation(cpu.stop(), n);
    ctx.progress.line(`      ${label}: baseline ${n} emails in ${(ms / 1000).toFixed(1)} s; CPU ms per email ${describeCpu(cpuMsPerEmail)} (the bench process sends them)`);
    return { ms, cpuMsPerEmail };
  } finally {
    transport.close();
  }
}

/** One email the pipeline has just delivered, as MailDev holds it. */
async function deliveredSample(ctx: BenchContext): Promise<MailDevMail> {
  const list = (await (await fetch(`${ctx.stack.urls.mailWebUrl}/api/email?limit=1`)).json()) as { id: string }[];
  return (await (await fetch(`${ctx.stack.urls.mailWebUrl}/api/email/${list[0]!.id}`)).json()) as MailDevMail;
}

export async function notificationsScenario(ctx: BenchContext): Promise<Figure[]> {
  const { emails: n, emailTrials, emailWarmUp } = ctx.options.sizes;

  // Untimed: the service's templates, link signing and SMTP pool, and the bench's nodemailer, past their first use.
  const warmUp = await makeKnown(ctx, 'warm-up', emailWarmUp);
  await timePipeline(ctx, warmUp, 'warm-up');
  const sample = await deliveredSample(ctx);
  await timeBaseline(ctx, warmUp, sample, 'warm-up');

  const trials: Trial[] = [];
  for (const [i, order] of alternatedOrder(emailTrials).entries()) {
    const label = `trial ${i + 1} of ${emailTrials}`;
    const to = await makeKnown(ctx, `trial-${i + 1}`, n);
    const { system: pipeline, baseline: nodemailer } = await measureInOrder(order, {
      system: () => timePipeline(ctx, to, label),
      baseline: () => timeBaseline(ctx, to, sample, label),
    });
    const trial = { order, system: ratePerSecond(n, pipeline.ms), baseline: ratePerSecond(n, nodemailer.ms), pipeline, nodemailer };
    ctx.progress.line(`      ${label} (${order.join(' first, then ')}): ${Math.round(trial.system)} against ${Math.round(trial.baseline)} emails/s, ${(trial.system / trial.baseline).toFixed(2)}x`);
    trials.push(trial);
  }

  const median = medianPair(trials);
  ctx.details.notifications = {
    emails: n,
    warmUpEmails: emailWarmUp,
    // The figure's pair, in the shape of the runs before trials were paired.
    pipelineMs: median.pipeline.ms,
    baselineMs: median.nodemailer.ms,
    recordedSent: median.pipeline.recordedSent,
    cpuMsPerEmail: median.pipeline.cpuMsPerEmail,
    baselineCpuMsPerEmail: median.nodemailer.cpuMsPerEmail,
    medianTrial: trials.indexOf(median) + 1,
    trials,
  };
  return [
    {
      scenario: 'notifications',
      name: 'delivered',
      value: median.system,
      unit: 'emails/s',
      note: `${n.toLocaleString('en-US')} emails, 6 languages; ${pairsNote(trials)}`,
      baseline: { label: 'pooled nodemailer, pre-rendered', value: median.baseline },
      goal: { kind: 'ratio-at-least', min: 0.7 },
    },
  ];
}
