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
//
// Measured as notifications is (trials.ts): after an untimed warm-up of both
// sides, alternated pairs, each side on a quiet system, and the pair with the
// median ratio is the figure. Measured as one pair, the answer always first, the
// ratio moved from 0.39x to 0.68x between full runs, both sides with the
// machine's phase (664-964 answers/s, 1,093-1,656 health checks/s).
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { signRespondentLink } from '@feedback/auth';
import { apiToken, drain, publishUnits, sleep, stackPids, type BenchContext } from '../context.ts';
import type { Figure } from '../goals.ts';
import { describeCpu, meterCpu, perOperation } from '../cpu-usage.ts';
import { alternatedOrder, measureInOrder, medianPair, pairsNote, type Side } from '../trials.ts';
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

/** One side's run: its rate and tail, and the CPU each process spent per request. */
interface Measured {
  figures: CannonFigures;
  /** CPU ms each process spent per request (cpu-usage.ts). */
  cpuMs: Record<string, number>;
}

interface Trial {
  order: Side[];
  /** Answers per second, and health checks per second (the baseline). */
  system: number;
  baseline: number;
  respond: Measured;
  health: Measured;
}

/** `answers` JSON answers, one link each from `links`, on a quiet system. */
async function timeAnswers(ctx: BenchContext, links: readonly string[], answers: number, label: string): Promise<Measured> {
  await drain(ctx, `${label}: before the answers`);
  let used = 0;
  const cpu = meterCpu(stackPids(ctx));
  const figures = summarizeCannon(
    await cannon(
      {
        url: ctx.stack.urls.services.requests,
        connections: ctx.options.sizes.httpConnections,
        amount: answers,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ score: 4, comment: 'Quick and friendly.' }),
            setupRequest: (request) => ({ ...request, path: `/respond/${links[used++ % links.length]}` }),
          },
        ],
      },
      (done) => ctx.progress.status(`${label}: POST /respond/:token ${ofTotal(done, answers)}`),
    ),
  );
  const cpuMs = perOperation(cpu.stop(), figures.ok);
  ctx.progress.line(`      ${label}: POST /respond/:token ${figures.rps.toFixed(0)} answers/s, p99 ${figures.p99} ms (${figures.ok} answered, ${figures.failed} failed); CPU ms per answer ${describeCpu(cpuMs)}`);
  return { figures, cpuMs };
}

/** GET /health of the same service, for `seconds`, on a quiet system. */
async function timeHealth(ctx: BenchContext, seconds: number, label: string): Promise<Measured> {
  await drain(ctx, `${label}: before the health checks`);
  const cpu = meterCpu(stackPids(ctx));
  const figures = summarizeCannon(
    await cannon({ url: `${ctx.stack.urls.services.requests}/health`, connections: ctx.options.sizes.httpConnections, duration: seconds }, (done) =>
      ctx.progress.status(`${label}: GET /health ${done.toLocaleString('en-US')} requests`),
    ),
  );
  const cpuMs = perOperation(cpu.stop(), figures.ok);
  ctx.progress.line(`      ${label}: GET /health ${figures.rps.toFixed(0)} req/s, p99 ${figures.p99} ms; CPU ms per health check ${describeCpu(cpuMs)}`);
  return { figures, cpuMs };
}

export async function respondentHttpScenario(ctx: BenchContext): Promise<Figure[]> {
  const { respondTokens, respondTrials, respondWarmUp, healthSeconds, httpConnections: connections } = ctx.options.sizes;
  // A few spare links per run: autocannon may set up a request or two past `amount` on its way out.
  const spare = connections * 2;
  const runs = [respondWarmUp, ...Array.from({ length: respondTrials }, () => respondTokens)];
  const ids = await createRequests(ctx, runs.reduce((sum, answers) => sum + answers + spare, 0));
  const expiresAt = new Date(Date.now() + 6 * 86_400_000);
  const links = ids.map((id) => signRespondentLink({ purpose: 'feedback-request', subjectId: id, language: 'en' }, ctx.secrets.linkKey, expiresAt));
  // Each run answers links of its own: a link answers once (F6).
  let taken = 0;
  const linksFor = (answers: number) => links.slice(taken, (taken += answers + spare));

  // Untimed: the answer's path (link check, validation, sealing, the relay) and the health check past their first use.
  await timeAnswers(ctx, linksFor(respondWarmUp), respondWarmUp, 'warm-up');
  await timeHealth(ctx, 1, 'warm-up');

  const trials: Trial[] = [];
  for (const [i, order] of alternatedOrder(respondTrials).entries()) {
    const label = `trial ${i + 1} of ${respondTrials}`;
    const own = linksFor(respondTokens);
    const { system: respond, baseline: health } = await measureInOrder(order, {
      system: () => timeAnswers(ctx, own, respondTokens, label),
      baseline: () => timeHealth(ctx, healthSeconds, label),
    });
    const trial: Trial = { order, system: respond.figures.rps, baseline: health.figures.rps, respond, health };
    ctx.progress.line(`      ${label} (${order.join(' first, then ')}): ${Math.round(trial.system)} answers/s against ${Math.round(trial.baseline)} health checks/s, ${(trial.system / trial.baseline).toFixed(2)}x`);
    trials.push(trial);
  }

  const median = medianPair(trials);
  const { respond, health } = median;
  // The figure's pair in the shape of the runs before trials were paired, then every pair.
  ctx.details['respondent-http'] = {
    connections,
    warmUpAnswers: respondWarmUp,
    respond: respond.figures,
    health: health.figures,
    cpuMsPerAnswer: respond.cpuMs,
    cpuMsPerHealthCheck: health.cpuMs,
    medianTrial: trials.indexOf(median) + 1,
    trials,
  };

  const failed = trials.reduce((sum, t) => sum + t.respond.figures.failed, 0);
  const failedNote = failed ? `, ${failed} failed: ${trials.map((t) => JSON.stringify(t.respond.figures.statusCodes)).join(' ')}` : '';
  return [
    {
      scenario: 'respondent HTTP',
      name: 'POST /respond',
      value: median.system,
      unit: 'req/s',
      note: `${respond.figures.ok.toLocaleString('en-US')} unique links, ${connections} connections, p99 ${respond.figures.p99} ms; ${pairsNote(trials)}${failedNote}`,
      baseline: { label: `GET /health (p99 ${health.figures.p99} ms)`, value: median.baseline },
      goal: { kind: 'ratio-at-least', min: 0.5 },
    },
  ];
}
