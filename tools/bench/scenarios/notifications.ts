// Notifications: emails rendered and delivered per second. N people and their
// business are made known upstream first; then N FeedbackRequested events go to
// feedback.requests.v1 and the clock runs until MailDev holds all N emails
// (looked up in the recipient's language, rendered from the templates, sent over
// the service's pooled SMTP transport, each delivery recorded with its event).
//
// Baseline: raw nodemailer with a pooled transport of the service's pool size (5
// connections), sending N copies of one email the pipeline just rendered
// (pre-rendered: no lookups, no templates, no records) to the same MailDev; timed
// from the first send until MailDev holds all N. MailDev is emptied before each.
import { randomUUID } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { FEEDBACK_TOPIC, FeedbackEvents, type KafkaMessageOut } from '../events.ts';
import { drain, mailTotal, publishUnits, serviceDb, sleep, stackPids, type BenchContext } from '../context.ts';
import type { Figure } from '../goals.ts';
import { describeCpu, meterCpu, perOperation } from '../cpu-usage.ts';
import { ofTotal } from '../progress.ts';
import { ratePerSecond } from '../stats.ts';

const LANGUAGES = ['en', 'nl', 'fr', 'de', 'es', 'da'];

interface MailDevMail {
  subject: string;
  html?: string;
  text?: string;
  headers: Record<string, string | string[]>;
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

export async function notificationsScenario(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.options.sizes.emails;
  const businessId = `bench-mail-${ctx.runId}`;
  const factory = new FeedbackEvents({ scope: `${ctx.runId}-mail`, keyRing: ctx.keyRing, businesses: [businessId], days: 1 });
  const people = Array.from({ length: n }, (_, i) => ({ userId: factory.request(i).userId, email: `person.${i}.${ctx.runId}@mail.example`, language: LANGUAGES[i % LANGUAGES.length]! }));

  ctx.progress.status(`making the business and ${n} people known upstream`);
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
  await drain(ctx, 'profiles known to notifications');

  // The platform's pipeline.
  await clearMailDev(ctx);
  const timeoutMs = Math.max(5 * 60_000, n * 200);
  // The bench's own process too: in the baseline it is the sender.
  const pids = { ...stackPids(ctx), bench: process.pid };
  const pipelineCpu = meterCpu(pids);
  let started = Date.now();
  await publishUnits(ctx.producer, FEEDBACK_TOPIC, n, (i) => [factory.requested(i)]);
  const pipelineMs = await waitForMail(ctx, n, 'pipeline', started, timeoutMs);
  const cpuMsPerEmail = perOperation(pipelineCpu.stop(), n);
  const sent = await serviceDb(ctx, 'notifications').collection('deliveries').countDocuments({ businessId, status: 'sent' });
  ctx.progress.line(`      pipeline: ${n} emails in ${(pipelineMs / 1000).toFixed(1)} s (${sent} recorded sent)`);
  ctx.progress.line(`      CPU ms per email: ${describeCpu(cpuMsPerEmail)}`);

  // The baseline: the same number of copies of one rendered email, straight to the pool.
  const list = (await (await fetch(`${ctx.stack.urls.mailWebUrl}/api/email?limit=1`)).json()) as { id: string }[];
  const sample = (await (await fetch(`${ctx.stack.urls.mailWebUrl}/api/email/${list[0]!.id}`)).json()) as MailDevMail;
  await drain(ctx, 'before the nodemailer baseline');
  await clearMailDev(ctx);
  const smtp = new URL(ctx.stack.urls.smtpUrl);
  const transport = createTransport({ pool: true, host: smtp.hostname, port: Number(smtp.port), secure: false, ignoreTLS: true, maxConnections: 5 }); // the pool size of the service's SmtpMailSender
  const baselineCpu = meterCpu(pids);
  started = Date.now();
  try {
    const sending = Promise.all(
      people.map((p) =>
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
    const [, baselineMs] = await Promise.all([sending, waitForMail(ctx, n, 'nodemailer baseline', started, timeoutMs)]);
    const baselineCpuMsPerEmail = perOperation(baselineCpu.stop(), n);
    ctx.progress.line(`      baseline: ${n} emails in ${(baselineMs / 1000).toFixed(1)} s`);
    ctx.progress.line(`      CPU ms per email: ${describeCpu(baselineCpuMsPerEmail)} (the bench process sends them)`);
    ctx.details.notifications = { emails: n, pipelineMs, baselineMs, recordedSent: sent, cpuMsPerEmail, baselineCpuMsPerEmail };
    return [
      {
        scenario: 'notifications',
        name: 'delivered',
        value: ratePerSecond(n, pipelineMs),
        unit: 'emails/s',
        note: `${n.toLocaleString('en-US')} emails, 6 languages`,
        baseline: { label: 'pooled nodemailer, pre-rendered', value: ratePerSecond(n, baselineMs) },
        goal: { kind: 'ratio-at-least', min: 0.7 },
      },
    ];
  } finally {
    transport.close();
  }
}
