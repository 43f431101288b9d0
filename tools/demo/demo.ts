// `npm run demo`: fills a running platform with a realistic scenario, through
// the real APIs and the upstream topics, so a newcomer sees a populated
// analytics dashboard and email inbox.
//
//   npm start                      # in another terminal, then:
//   npm run demo                   # targets the npm start ports (3001-3005, Kafka 9092, MailDev 1080)
//   npm run demo -- --e2e-offset 1200   # targets an e2e stack started with E2E_PORT_OFFSET=1200
//
// Every address can be set: KAFKA_BROKERS, DEMO_REQUESTS_URL, DEMO_REPORTING_URL,
// DEMO_ANALYTICS_URL, DEMO_MAIL_URL; tokens and links are signed with
// AUTH_JWT_SECRET (and RESPONDENT_LINK_SECRET) when set, else the dev secret.
// Three businesses keep stable ids, so running it again adds to their figures;
// the people are new on every run (a person may only be asked once a day, F14).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { logLevel } from 'kafkajs';
import { newKafka } from '@feedback/messaging';
import { respondentLinkKey, signApiToken, signRespondentLink, type LinkPurpose, type Role } from '@feedback/auth';
import { DEV_JWT_SECRET } from '@feedback/config';
import { parseCommandLine, refuse } from '../command-line.ts';
import { devProfile, stackUrls, testProfile } from '../stack/stack.ts';

const root = join(__dirname, '..', '..');
const USAGE = 'usage: npm run demo -- [--people <customers and reviewers per business, 10 or more; 14>] [--e2e-offset <port offset of an e2e stack>]';

/** The options, checked: a mistyped one is told with the usage (exit 2), never run with NaN ports or people. */
function options(): { e2eOffset?: number; people: number } {
  const values = parseCommandLine({ 'e2e-offset': { type: 'string' }, people: { type: 'string', default: '14' }, help: { type: 'boolean', default: false } }, USAGE);
  const people = Number(values.people);
  if (!Number.isInteger(people) || people < 10) refuse('--people must be a whole number of 10 or more (a group of fewer than k = 10 people is suppressed, A2)', USAGE);
  const offset = values['e2e-offset'] === undefined ? undefined : Number(values['e2e-offset']);
  if (offset !== undefined && !(Number.isInteger(offset) && offset >= 0)) refuse('--e2e-offset must be a non-negative whole number', USAGE);
  return { e2eOffset: offset, people };
}

const chosen = options();
const base = stackUrls(chosen.e2eOffset !== undefined ? testProfile(root, chosen.e2eOffset) : devProfile(root));
const target = {
  kafka: (process.env.KAFKA_BROKERS ?? base.kafkaBrokers).split(','),
  requests: process.env.DEMO_REQUESTS_URL ?? base.services.requests,
  reporting: process.env.DEMO_REPORTING_URL ?? base.services.reporting,
  analytics: process.env.DEMO_ANALYTICS_URL ?? base.services.analytics,
  mail: process.env.DEMO_MAIL_URL ?? base.mailWebUrl,
};
const secret = process.env.AUTH_JWT_SECRET || DEV_JWT_SECRET;
const linkKey = respondentLinkKey(secret, process.env.RESPONDENT_LINK_SECRET);
const PEOPLE_PER_BUSINESS = chosen.people;
const run = randomUUID().slice(0, 8);

// ---- a small seeded random source: the same scenario shape on every run ----------------------------
let seed = 20_261_121;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
function weighted<T>(choices: readonly [T, number][]): T {
  let r = random() * choices.reduce((total, [, weight]) => total + weight, 0);
  for (const [value, weight] of choices) if ((r -= weight) < 0) return value;
  return choices[choices.length - 1]![0];
}

// ---- output --------------------------------------------------------------------------------------
const STEPS = 8;
let step = 0;
const say = (line: string) => process.stdout.write(`${line}\n`);
const stepTitle = (title: string) => say(`\n[${++step}/${STEPS}] ${title}`);
function progress(label: string, done: number, total: number): void {
  const width = 24;
  const filled = Math.round((done / Math.max(1, total)) * width);
  process.stdout.write(`\r      ${label.padEnd(34)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  if (done >= total) process.stdout.write('\n');
}

// ---- HTTP and Kafka ----------------------------------------------------------------------------------
const bearer = (role: Role, claims: { sub: string; businessId?: string }) => signApiToken({ ...claims, role }, secret, 3600);
async function call(method: string, url: string, auth: string | undefined, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed };
}
/** Retries while the platform has not yet read the upstream facts the call depends on. */
async function until<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
const link = (purpose: LinkPurpose, subjectId: string, language: string) =>
  `${target.requests}/respond/${signRespondentLink({ purpose, subjectId, language }, linkKey, new Date(Date.now() + 24 * 3_600_000))}`;

const kafka = newKafka({ clientId: `demo-${run}`, brokers: target.kafka, logLevel: logLevel.NOTHING, retry: { retries: 3 } });
const producer = kafka.producer();
const event = (type: string, data: Record<string, unknown>) =>
  JSON.stringify({ id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), source: 'demo-upstream', correlationId: randomUUID(), data });

// ---- the scenario ------------------------------------------------------------------------------------
interface DemoBusiness {
  businessId: string;
  name: string;
  language: string;
  survey: { type: 'csat' } | { type: 'nps' } | { type: 'custom'; options: string[] };
  referenceNumberLabel?: string;
  admin: { userId: string; email: string };
  member: { userId: string; email: string };
}
interface Person {
  userId: string;
  email: string;
  language: string;
  name: string;
}

const BUSINESSES: DemoBusiness[] = [
  { businessId: 'demo-bakery', name: 'Bakkerij De Gouden Korst', language: 'nl', survey: { type: 'csat' }, referenceNumberLabel: 'Bestelnummer' },
  { businessId: 'demo-cycles', name: 'Cycles Lumière', language: 'fr', survey: { type: 'nps' }, referenceNumberLabel: 'Numéro de réparation' },
  { businessId: 'demo-kitchen', name: 'Harbour Kitchen', language: 'en', survey: { type: 'custom', options: ['Quick service', 'Friendly staff', 'Tasty food', 'Too slow'] } },
].map((b) => ({
  ...b,
  survey: b.survey as DemoBusiness['survey'],
  admin: { userId: `${b.businessId}-admin`, email: `owner@${b.businessId}.example` },
  member: { userId: `${b.businessId}-desk`, email: `desk@${b.businessId}.example` },
}));

const FIRST = ['Anna', 'Bram', 'Chloé', 'Daan', 'Emma', 'Finn', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Karin', 'Lars', 'Mila', 'Noah', 'Olga', 'Pieter', 'Rosa', 'Sven', 'Tess', 'Yara'];
const LAST = ['de Vries', 'Janssen', 'Dubois', 'Müller', 'García', 'Nielsen', 'Smith', 'Bakker', 'Lefèvre', 'Visser'];
const LANGUAGES: [string, number][] = [
  ['en', 4],
  ['nl', 3],
  ['fr', 2],
  ['de', 2],
  ['es', 1],
  ['da', 1],
];
const COMMENTS: Record<string, string[]> = {
  good: ['Lovely service, thank you!', 'Quick and friendly.', 'Exactly what I needed.', 'Will come back for sure.'],
  mixed: ['Fine, but I had to wait a while.', 'Good product, the follow-up could be faster.'],
  bad: ['Nobody answered my second message.', 'Took far too long to sort out.'],
};

function newPerson(): Person {
  const name = `${pick(FIRST)} ${pick(LAST)}`;
  const userId = `demo-user-${run}-${randomUUID().slice(0, 8)}`;
  return { userId, name, language: weighted(LANGUAGES), email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${userId.slice(-8)}@mail.example` };
}

function answerFor(business: DemoBusiness): { score?: number; option?: string; comment?: string } {
  const comment = (mood: keyof typeof COMMENTS) => (random() < 0.6 ? pick(COMMENTS[mood]!) : undefined);
  if (business.survey.type === 'csat') {
    const score = weighted<number>([[5, 40], [4, 30], [3, 15], [2, 10], [1, 5]]);
    return { score, comment: comment(score >= 4 ? 'good' : score === 3 ? 'mixed' : 'bad') };
  }
  if (business.survey.type === 'nps') {
    const score = weighted<number>([[10, 22], [9, 20], [8, 18], [7, 12], [6, 8], [5, 7], [3, 6], [1, 4], [0, 3]]);
    return { score, comment: comment(score >= 9 ? 'good' : score >= 7 ? 'mixed' : 'bad') };
  }
  const option = weighted<string>(business.survey.options.map((o, i) => [o, [40, 30, 20, 10][i] ?? 10]));
  return { option, comment: comment(option === 'Too slow' ? 'bad' : 'good') };
}

async function healthCheck(): Promise<void> {
  const services = { requests: target.requests, reporting: target.reporting, analytics: target.analytics };
  for (const [name, url] of Object.entries(services)) {
    const healthy = await fetch(`${url}/health`, { signal: AbortSignal.timeout(3000) })
      .then((r) => r.status === 200)
      .catch(() => false);
    if (!healthy) throw new Error(`${name} is not answering at ${url}/health: start the platform first (npm start), or point the demo at it (see the top of tools/demo/demo.ts)`);
    say(`      ${name.padEnd(10)} ${url} healthy`);
  }
  await producer.connect().catch((error: Error) => {
    throw new Error(`Kafka is not reachable at ${target.kafka.join(',')}: ${error.message}`);
  });
  say(`      kafka      ${target.kafka.join(',')} connected`);
}

async function main(): Promise<void> {
  say(`Demo run ${run}: ${BUSINESSES.length} businesses, ${PEOPLE_PER_BUSINESS} customers and ${PEOPLE_PER_BUSINESS} reviewers each.`);

  stepTitle('checking the platform');
  await healthCheck();

  stepTitle('publishing businesses, customers, conversations and reviews (upstream topics)');
  const customers = new Map(BUSINESSES.map((b) => [b.businessId, Array.from({ length: PEOPLE_PER_BUSINESS }, newPerson)]));
  const reviewers = new Map(BUSINESSES.map((b) => [b.businessId, Array.from({ length: PEOPLE_PER_BUSINESS }, newPerson)]));
  await producer.send({
    topic: 'upstream.businesses.v1',
    acks: -1,
    messages: BUSINESSES.map((b) => ({
      key: b.businessId,
      value: event('BusinessProfileUpdated', {
        businessId: b.businessId,
        name: b.name,
        privacyPolicyUrl: `https://${b.businessId}.example/privacy`,
        ...(b.referenceNumberLabel ? { referenceNumberLabel: b.referenceNumberLabel } : {}),
        users: [
          { ...b.admin, preferredLanguage: b.language, role: 'admin' },
          { ...b.member, preferredLanguage: b.language, role: 'member' },
        ],
      }),
    })),
  });
  const everyone = [...customers.values(), ...reviewers.values()].flat();
  await producer.send({
    topic: 'upstream.users.v1',
    acks: -1,
    messages: everyone.map((p) => ({ key: p.userId, value: event('UserProfileUpdated', { userId: p.userId, email: p.email, preferredLanguage: p.language, displayName: p.name }) })),
  });
  const conversations = new Map<string, string>();
  const reviews = new Map<string, { reviewId: string; reviewer: Person; rating: number }[]>();
  for (const b of BUSINESSES) {
    const messages = customers.get(b.businessId)!.map((p) => {
      const conversationId = `demo-conv-${run}-${randomUUID().slice(0, 8)}`;
      conversations.set(`${b.businessId}|${p.userId}`, conversationId);
      return { key: conversationId, value: event('ConversationInteraction', { conversationId, businessId: b.businessId, userId: p.userId, representativeIds: [b.member.userId], occurredAt: new Date().toISOString() }) };
    });
    await producer.send({ topic: 'upstream.conversations.v1', acks: -1, messages });
    const ofBusiness = reviewers.get(b.businessId)!.map((reviewer) => ({ reviewId: `demo-review-${run}-${randomUUID().slice(0, 8)}`, reviewer, rating: weighted<number>([[5, 30], [4, 25], [3, 15], [2, 15], [1, 15]]) }));
    reviews.set(b.businessId, ofBusiness);
    await producer.send({
      topic: 'upstream.reviews.v1',
      acks: -1,
      messages: ofBusiness.map((r) => ({
        key: r.reviewId,
        value: event('ReviewPublished', { reviewId: r.reviewId, businessId: b.businessId, reviewerId: r.reviewer.userId, rating: r.rating, source: 'organic', language: r.reviewer.language, publishedAt: new Date(Date.now() - 86_400_000 * (1 + Math.floor(random() * 60))).toISOString() }),
      })),
    });
  }
  say(`      ${BUSINESSES.length} businesses, ${everyone.length} people, ${conversations.size} conversations, ${[...reviews.values()].flat().length} reviews`);

  stepTitle('sending feedback requests (requests API)');
  const feedbackRequests: { business: DemoBusiness; person: Person; requestId: string }[] = [];
  const total = BUSINESSES.length * PEOPLE_PER_BUSINESS;
  for (const b of BUSINESSES) {
    const auth = bearer('business', { sub: b.admin.userId, businessId: b.businessId });
    for (const person of customers.get(b.businessId)!) {
      const created = await until(`requests to know ${b.businessId} and its conversations`, async () => {
        const result = await call('POST', `${target.requests}/v1/businesses/${b.businessId}/feedback-requests`, auth, {
          conversationId: conversations.get(`${b.businessId}|${person.userId}`),
          userId: person.userId,
          survey: b.survey,
        });
        if (result.status === 422) return undefined; // not known yet
        if (result.status !== 201) throw new Error(`feedback request refused: ${result.status} ${JSON.stringify(result.body)}`);
        return result.body as { id: string };
      });
      feedbackRequests.push({ business: b, person, requestId: created.id });
      progress('feedback requests sent', feedbackRequests.length, total);
    }
  }

  stepTitle('answering through the respondent links (as the customers would)');
  let answered = 0;
  let declined = 0;
  for (const [n, request] of feedbackRequests.entries()) {
    const roll = random();
    const url = link('feedback-request', request.requestId, request.person.language);
    if (roll < 0.75) {
      const result = await call('POST', url, undefined, answerFor(request.business));
      if (result.status === 201) answered++;
    } else if (roll < 0.88) {
      const result = await call('POST', `${url}/decline`, undefined, {});
      if (result.status === 201) declined++;
    }
    progress('answers and declines', n + 1, feedbackRequests.length);
  }
  say(`      ${answered} answered, ${declined} declined, ${feedbackRequests.length - answered - declined} left pending`);

  stepTitle('asking reviewers for their details (information requests)');
  const declinedReviews: { business: DemoBusiness; reviewId: string }[] = [];
  let infoCount = 0;
  let shared = 0;
  const infoTotal = [...reviews.values()].flat().length;
  for (const b of BUSINESSES) {
    const auth = bearer('business', { sub: b.admin.userId, businessId: b.businessId });
    for (const review of reviews.get(b.businessId)!) {
      const created = await until(`requests to know review ${review.reviewId}`, async () => {
        const result = await call('POST', `${target.requests}/v1/businesses/${b.businessId}/reviews/${review.reviewId}/information-requests`, auth, {});
        if (result.status === 404 || result.status === 422) return undefined;
        if (result.status !== 201) throw new Error(`information request refused: ${result.status} ${JSON.stringify(result.body)}`);
        return result.body as { id: string };
      });
      const roll = random();
      const url = link('information-request', created.id, review.reviewer.language);
      if (roll < 0.55) {
        const details: Record<string, string> = { email: review.reviewer.email };
        if (random() < 0.7) details.referenceNumber = `${b.businessId.slice(5, 8).toUpperCase()}-${Math.floor(10_000 + random() * 89_999)}`;
        if (random() < 0.4) details.fullName = review.reviewer.name;
        if (random() < 0.2) details.phone = `+31 6 ${Math.floor(10_000_000 + random() * 89_999_999)}`;
        if ((await call('POST', url, undefined, details)).status === 201) shared++;
      } else if (roll < 0.8) {
        if ((await call('POST', `${url}/decline`, undefined, {})).status === 201) declinedReviews.push({ business: b, reviewId: review.reviewId });
      }
      progress('information requests', ++infoCount, infoTotal);
    }
  }
  say(`      ${shared} shared details, ${declinedReviews.length} declined, ${infoTotal - shared - declinedReviews.length} pending`);

  stepTitle('reporting reviews, and the integrity team deciding (reporting API)');
  let reported = 0;
  const reportIds: string[] = [];
  for (const b of BUSINESSES) {
    const auth = bearer('business', { sub: b.admin.userId, businessId: b.businessId });
    const candidates = [
      ...declinedReviews.filter((r) => r.business === b).slice(0, 2).map((r) => ({ reviewId: r.reviewId, reason: 'not_genuine_experience' })),
      ...reviews.get(b.businessId)!.filter((r) => r.rating <= 2).slice(0, 3).map((r, i) => ({ reviewId: r.reviewId, reason: ['spam', 'harmful', 'conflict_of_interest'][i]! })),
    ];
    const seen = new Set<string>();
    for (const candidate of candidates) {
      if (seen.has(candidate.reviewId)) continue;
      seen.add(candidate.reviewId);
      const result = await until(`reporting to know review ${candidate.reviewId}`, async () => {
        const attempt = await call('POST', `${target.reporting}/v1/businesses/${b.businessId}/reviews/${candidate.reviewId}/reports`, auth, { reason: candidate.reason });
        return attempt.status === 404 || attempt.status === 422 ? undefined : attempt;
      }, 20_000).catch(() => undefined);
      if (result?.status === 201) {
        reported++;
        reportIds.push(String(result.body.id));
      }
    }
  }
  const integrity = bearer('integrity', { sub: 'demo-integrity-team' });
  let decided = 0;
  for (const [n, reportId] of reportIds.entries()) {
    if (n % 2 === 1) continue;
    const result = await call('POST', `${target.reporting}/v1/integrity/reports/${reportId}/decision`, integrity, { decision: n % 4 === 0 ? 'removed' : 'kept' });
    if (result.status === 201) decided++;
  }
  say(`      ${reported} reports filed, ${decided} decided`);

  stepTitle('waiting for analytics to count it all');
  const analyst = bearer('analyst', { sub: 'demo-analyst' });
  const today = new Date().toISOString().slice(0, 10);
  await until(
    'analytics',
    async () => {
      const counts = await Promise.all(
        BUSINESSES.map(async (b) => {
          const { body } = await call('GET', `${target.analytics}/v1/stats/businesses/${b.businessId}?from=${today}&to=${today}`, analyst);
          const requested = (body.totals as { feedback?: { requested?: unknown } } | undefined)?.feedback?.requested;
          return typeof requested === 'number' ? requested : 0;
        }),
      );
      process.stdout.write(`\r      feedback requests counted: ${counts.reduce((a, b) => a + b, 0)} (of at least ${feedbackRequests.length})`);
      return counts.every((c) => c >= PEOPLE_PER_BUSINESS) ? true : undefined;
    },
    90_000,
  );
  say('');

  stepTitle('done');
  // Emails go out asynchronously: wait until the inbox stops growing (at most 30 s).
  const inboxSize = () =>
    fetch(`${target.mail}/api/email`)
      .then((r) => r.json() as Promise<unknown[]>)
      .then((list) => list.length)
      .catch(() => undefined);
  let mails = await inboxSize();
  for (let stable = 0, waited = 0; stable < 3 && waited < 30 && mails !== undefined; waited++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = await inboxSize();
    stable = now === mails ? stable + 1 : 0;
    mails = now;
  }
  say(`  Dashboard   ${target.analytics}/dashboard`);
  say(`              sign in with this analyst token (valid 8 hours):`);
  say(`              ${signApiToken({ sub: 'demo-analyst', role: 'analyst' }, secret, 8 * 3600)}`);
  say(`  Inbox       ${target.mail}${mails === undefined ? '' : `   (${mails} emails)`}`);
  say(`  Businesses  ${BUSINESSES.map((b) => `${b.name} (${b.businessId})`).join(', ')}`);
  say(`  A business token: npm run token -- --role business --business-id ${BUSINESSES[0]!.businessId} --sub ${BUSINESSES[0]!.admin.userId}`);
}

main()
  .catch((error: Error) => {
    process.stderr.write(`\nnpm run demo failed: ${error.message}\n`);
    process.exitCode = 1;
  })
  .finally(() => void producer.disconnect().catch(() => undefined));
