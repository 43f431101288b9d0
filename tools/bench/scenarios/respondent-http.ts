// Respondent HTTP: POST /respond/:token (a JSON answer) under autocannon, each
// request with its own link to its own pending feedback request, against GET
// /health of the same service as the baseline.
//
// The requests are real: a business and N conversations are published upstream,
// the business asks each person through the requests API (one person per
// request, so F14's per-person limits never refuse one), and each link is signed
// with the stack's respondent-link key, exactly as notifications signs the links
// it emails. Everything that creating them set off is drained before the clock
// starts. Answers count only when answered 201: the rate is of successful answers.
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { signRespondentLink } from '@feedback/auth';
import { apiToken, drain, publishUnits, sleep, stackPids, type BenchContext } from '../context.ts';
import type { Figure } from '../goals.ts';
import { describeCpu, meterCpu, perOperation } from '../cpu-usage.ts';
import { ofTotal } from '../progress.ts';
import { ratePerSecond } from '../stats.ts';

const upstream = (type: string, data: object) => JSON.stringify({ id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), source: 'bench', correlationId: randomUUID(), data });

interface CannonFigures {
  rps: number;
  p99: number;
  ok: number;
  failed: number;
  durationS: number;
  statusCodes: Record<string, number>;
}

interface CannonRun {
  result: autocannon.Result;
  /** From the start of the run until its last response. */
  elapsedMs: number;
}

function summarizeCannon({ result, elapsedMs }: CannonRun): CannonFigures {
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]));
  return { rps: ratePerSecond(result['2xx'], elapsedMs), p99: result.latency.p99, ok: result['2xx'], failed: result.non2xx + result.errors, durationS: elapsedMs / 1000, statusCodes };
}

/**
 * Runs autocannon, timed here: from the start until the last response. autocannon
 * takes its own `duration` of a run of a fixed `amount` at its next sampling tick (once
 * a second) after the last response: a 7.1 s run measured 8.01 s, so the rate of `POST
 * /respond` came out up to a seventh low, always 5,000 over a whole number of seconds.
 */
function cannon(options: autocannon.Options, onTick: (done: number) => void): Promise<CannonRun> {
  return new Promise((resolve, reject) => {
    let done = 0;
    const startedAt = performance.now();
    let lastResponseAt = startedAt;
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve({ result, elapsedMs: lastResponseAt - startedAt })));
    instance.on('response', () => {
      lastResponseAt = performance.now();
      onTick(++done);
    });
  });
}

/** Creates `count` pending feedback requests through the API; returns their ids. */
async function createRequests(ctx: BenchContext, count: number): Promise<string[]> {
  const businessId = `bench-resp-${ctx.runId}`;
  const admin = `${businessId}-admin`;
  const userId = (i: number) => `bench-resp-person-${ctx.runId}-${i}`;
  const conversationId = (i: number) => `bench-resp-conv-${ctx.runId}-${i}`;
  await ctx.producer.send({
    topic: 'upstream.businesses.v1',
    acks: -1,
    messages: [{ key: businessId, value: upstream('BusinessProfileUpdated', { businessId, name: 'Bench Cycles', privacyPolicyUrl: 'https://bench.example/privacy', users: [{ userId: admin, email: `owner@${businessId}.example`, preferredLanguage: 'en', role: 'admin' }] }) }],
  });
  await publishUnits(ctx.producer, 'upstream.conversations.v1', count, (i) => [
    { key: conversationId(i), value: upstream('ConversationInteraction', { conversationId: conversationId(i), businessId, userId: userId(i), representativeIds: [`${businessId}-rep`], occurredAt: new Date().toISOString() }) },
  ]);
  await drain(ctx, 'conversations known to requests');

  const token = apiToken(ctx, 'business', { sub: admin, businessId });
  const url = `${ctx.stack.urls.services.requests}/v1/businesses/${businessId}/feedback-requests`;
  const ids: string[] = new Array<string>(count);
  let next = 0;
  let created = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      for (let attempt = 0; ; attempt++) {
        const response = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ conversationId: conversationId(i), userId: userId(i), survey: { type: 'csat' } }),
        });
        const body = (await response.json()) as { id?: string };
        if (response.status === 201 && body.id) {
          ids[i] = body.id;
          break;
        }
        // 422 no_prior_interaction: the conversation is still on its way; anything else is a real refusal.
        if (response.status !== 422 || attempt >= 20) throw new Error(`creating feedback request ${i} answered ${response.status}: ${JSON.stringify(body)}`);
        await sleep(250);
      }
      ctx.progress.status(`feedback requests created through the API ${ofTotal(++created, count)}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
}

export async function respondentHttpScenario(ctx: BenchContext): Promise<Figure[]> {
  const { respondTokens, healthSeconds, httpConnections: connections } = ctx.options.sizes;
  // A few spare links: autocannon may set up a request or two past `amount` on its way out.
  const ids = await createRequests(ctx, respondTokens + connections * 2);
  const expiresAt = new Date(Date.now() + 6 * 86_400_000);
  const links = ids.map((id) => signRespondentLink({ purpose: 'feedback-request', subjectId: id, language: 'en' }, ctx.secrets.linkKey, expiresAt));
  await drain(ctx, 'before autocannon');

  const base = ctx.stack.urls.services.requests;
  let used = 0;
  const pids = stackPids(ctx);
  const respondCpu = meterCpu(pids);
  const respond = summarizeCannon(
    await cannon(
      {
        url: base,
        connections,
        amount: respondTokens,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ score: 4, comment: 'Quick and friendly.' }),
            setupRequest: (request) => ({ ...request, path: `/respond/${links[used++ % links.length]}` }),
          },
        ],
      },
      (done) => ctx.progress.status(`POST /respond/:token ${ofTotal(done, respondTokens)}`),
    ),
  );
  const cpuMsPerAnswer = perOperation(respondCpu.stop(), respond.ok);
  ctx.progress.line(`      POST /respond/:token: ${respond.rps.toFixed(0)} answers/s, p99 ${respond.p99} ms (${respond.ok} answered, ${respond.failed} failed)`);
  ctx.progress.line(`      CPU ms per answer: ${describeCpu(cpuMsPerAnswer)}`);

  const healthCpu = meterCpu(pids);
  const health = summarizeCannon(await cannon({ url: `${base}/health`, connections, duration: healthSeconds }, (done) => ctx.progress.status(`GET /health ${done.toLocaleString('en-US')} requests`)));
  const cpuMsPerHealthCheck = perOperation(healthCpu.stop(), health.ok);
  ctx.progress.line(`      GET /health: ${health.rps.toFixed(0)} req/s, p99 ${health.p99} ms`);
  ctx.progress.line(`      CPU ms per health check: ${describeCpu(cpuMsPerHealthCheck)}`);
  // Where each answer's time goes across the shared cores (the answer's events are stored and counted meanwhile).
  ctx.details['respondent-http'] = { connections, respond, health, cpuMsPerAnswer, cpuMsPerHealthCheck };

  const failedNote = respond.failed ? `, ${respond.failed} failed: ${JSON.stringify(respond.statusCodes)}` : '';
  return [
    {
      scenario: 'respondent HTTP',
      name: 'POST /respond',
      value: respond.rps,
      unit: 'req/s',
      note: `${respond.ok.toLocaleString('en-US')} unique links, ${connections} connections, p99 ${respond.p99} ms${failedNote}`,
      baseline: { label: `GET /health (p99 ${health.p99} ms)`, value: health.rps },
      goal: { kind: 'ratio-at-least', min: 0.5 },
    },
  ];
}
