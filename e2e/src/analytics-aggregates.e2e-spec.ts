import { randomUUID } from 'node:crypto';
import { respondentLinkKey, signRespondentLink } from '@feedback/auth';
import { DEV_JWT_SECRET } from '@feedback/config';
import {
  awaitConsumedToEnd,
  type BusinessFixture,
  envelope,
  eventually,
  kafka,
  personal,
  profile,
  publish,
  publishAndAwaitConsumed,
  publishBusiness,
  publishConversation,
  publishReview,
  publishUser,
  serviceUrl,
  startExtraInstance,
  token,
  withDatabase,
} from './support';

/**
 * Analytics end to end (A1–A3): a realistic mix of the project's events,
 * published by hand as the services would, through the real broker into the
 * real store; exact aggregates, idempotency under redelivery (also after a
 * simulated crash), order tolerance, F15, the API's access rules and CSV; then
 * the services' own flow; and last a scan of the whole analytics database for
 * every personal value the run used (A1).
 *
 * A random Monday years ahead keeps these figures (and the overview) apart from
 * every other test's, also when the suite runs again against the same stack.
 */

type Message = { key: string; value: string };
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const api = () => serviceUrl('analytics');
const analyst = () => token('analyst', { sub: `analyst-${randomUUID()}` });
/** Every personal or per-request value this file uses; none may reach the analytics database. */
const used = new Set<string>();
const track = <T extends string>(value: T): T => (used.add(value), value);
const id = (prefix: string) => track(`${prefix}-${randomUUID()}`);
const at = (day: string, time: string) => `${day}T${time}.000Z`;
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** A Monday between 2031 and 2040 (analytics-suppression and analytics-dashboard use later years). */
const randomMonday = () => addDays('2031-01-06', 7 * Math.floor(Math.random() * 520));
const later = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

async function stats(path: string, bearer = analyst(), accept = 'application/json', base = api()): Promise<{ status: number; body: Json; text: string; headers: Headers }> {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${bearer}`, accept } });
  const text = await response.text();
  let body: Json = {};
  try {
    body = JSON.parse(text) as Json;
  } catch {
    body = {};
  }
  return { status: response.status, body, text, headers: response.headers };
}

const message = (type: string, data: Record<string, unknown>, key: string): Message => ({ key, value: JSON.stringify(envelope(type, data, { source: 'requests' })) });

/** One feedback request and what became of it, as requests would publish it. */
function feedbackEvents(businessId: string, day: string, options: { survey: 'csat' | 'nps' | 'custom'; answer?: number | string; after?: number; outcome?: 'declined' | 'expired'; test?: boolean }): Message[] {
  const requestId = id('fr');
  const userId = id('user');
  const requestedAt = at(day, '09:00:00');
  const base = { requestId, businessId, test: options.test ?? false, requestedAt };
  const survey = options.survey === 'custom' ? { type: 'custom', options: ['Fast', 'Friendly', 'Slow'] } : { type: options.survey };
  const events = [
    message('FeedbackRequested', { ...base, conversationId: id('conv'), userId, requestedBy: id('admin'), survey, expiresAt: later(requestedAt, 7 * 24 * 60) }, requestId),
  ];
  if (options.answer !== undefined) {
    const answer = typeof options.answer === 'number' ? { score: options.answer } : { option: options.answer };
    events.push(
      message(
        'FeedbackSubmitted',
        { ...base, conversationId: id('conv'), userId, representativeIds: [id('rep')], surveyType: options.survey, ...answer, submittedAt: later(requestedAt, options.after ?? 120) },
        requestId,
      ),
    );
  }
  if (options.outcome === 'declined') events.push(message('FeedbackDeclined', { ...base, declinedAt: later(requestedAt, 30) }, requestId));
  if (options.outcome === 'expired') events.push(message('FeedbackRequestExpired', { ...base, expiredAt: later(requestedAt, 7 * 24 * 60) }, requestId));
  return events;
}

function informationEvents(businessId: string, day: string, outcome: { shared?: string[]; declined?: true; expired?: true }): Message[] {
  const requestId = id('ir');
  const requestedAt = at(day, '11:00:00');
  const ref = { requestId, businessId, reviewId: id('rev'), requestedBy: id('admin'), requestedAt };
  const events = [message('InformationRequested', { ...ref, reviewerId: id('reviewer'), expiresAt: later(requestedAt, 72 * 60) }, requestId)];
  if (outcome.shared) events.push(message('InformationProvided', { ...ref, sharedFields: outcome.shared, providedAt: later(requestedAt, 300) }, requestId));
  if (outcome.declined) events.push(message('InformationDeclined', { ...ref, declinedAt: later(requestedAt, 60) }, requestId));
  if (outcome.expired) events.push(message('InformationRequestExpired', { ...ref, expiredAt: later(requestedAt, 72 * 60) }, requestId));
  return events;
}

function reportEvents(businessId: string, day: string, reason: string, decision?: 'removed' | 'kept'): Message[] {
  const reportId = id('rep');
  const ref = { reportId, businessId, reviewId: id('rev') };
  const reportedBy = id('admin');
  const events = [message('ReviewReported', { ...ref, reason, reportedBy, reportedAt: at(day, '12:00:00') }, reportId)];
  if (decision) events.push(message('ReportResolved', { ...ref, reason, decision, reportedBy, decidedBy: id('integrity'), decidedAt: at(day, '18:00:00') }, reportId));
  return events;
}

/** The mix of business A on one Monday: 14 feedback requests, 12 information requests, 4 reports. */
function mixOfA(businessId: string, day: string) {
  const csat = [5, 5, 4, 4, 4, 3, 1].map((score, i) => feedbackEvents(businessId, day, { survey: 'csat', answer: score, after: i === 0 ? 30 : 120 }));
  const declined = feedbackEvents(businessId, day, { survey: 'csat', outcome: 'declined' });
  const nps = [10, 9, 7, 3].map((score, i) => feedbackEvents(businessId, day, { survey: 'nps', answer: score, after: i === 0 ? 2 * 24 * 60 : 120 }));
  const customAnswered = feedbackEvents(businessId, day, { survey: 'custom', answer: 'Fast' });
  const customExpired = feedbackEvents(businessId, day, { survey: 'custom', outcome: 'expired' });
  const testRequest = feedbackEvents(businessId, day, { survey: 'csat', answer: 1, test: true });
  const information = [
    ['email', 'referenceNumber', 'fullName'],
    ['email', 'referenceNumber'],
    ['email', 'fullName'],
    ['email', 'phone', 'referenceNumber'],
    ['email'],
    ['referenceNumber', 'fullName'],
  ].map((shared) => informationEvents(businessId, day, { shared }));
  const infoOther = [
    informationEvents(businessId, day, { declined: true }),
    informationEvents(businessId, day, { declined: true }),
    informationEvents(businessId, day, { expired: true }),
    informationEvents(businessId, day, {}),
    informationEvents(businessId, day, {}),
    informationEvents(businessId, day, {}),
  ];
  const reports = [reportEvents(businessId, day, 'spam', 'removed'), reportEvents(businessId, day, 'spam'), reportEvents(businessId, day, 'harmful', 'kept'), reportEvents(businessId, day, 'not_genuine_experience')];
  // Order tolerance: the custom answer arrives before its request.
  const [requested, submitted] = customAnswered as [Message, Message];
  // Idempotency: one answer is delivered twice (same event id).
  const duplicated = csat[0]![1]!;
  return {
    messages: [...csat.flat(), duplicated, ...declined, ...nps.flat(), submitted, requested, ...customExpired, ...testRequest, ...information.flat(), ...infoOther.flat(), ...reports.flat()],
    replayable: csat.slice(1, 5).flat(),
  };
}

const expectedA = {
  feedback: {
    requested: 14,
    answered: 12,
    declined: 1,
    expired: 1,
    responseRate: 0.8571,
    csat: { count: 7, mean: 3.71, distribution: { '1': 1, '2': 0, '3': 1, '4': 3, '5': 2 } },
    nps: { count: 4, score: 25, promoters: 2, passives: 1, detractors: 1 },
    custom: { Fast: 1, Friendly: 0, Slow: 0 },
    timeToAnswer: { under1h: 1, '1hTo6h': 10, '6hTo24h': 0, '1dTo3d': 1, '3dTo7d': 0, over7d: 0 },
  },
  information: {
    requested: 12,
    answered: 6,
    declined: 2,
    expired: 1,
    sharedFields: { email: 5, referenceNumber: 4, fullName: 3, phone: 1 },
    timeToAnswer: { under1h: 0, '1hTo6h': 6, '6hTo24h': 0, '1dTo3d': 0, '3dTo7d': 0, over7d: 0 },
  },
  reports: { byReason: { not_genuine_experience: 1, spam: 2, harmful: 1, conflict_of_interest: 0, other: 0 }, byDecision: { removed: 1, kept: 1 } },
};

/** Sends on explicit partitions, so a marker on each partition proves everything before it was consumed. */
async function publishOnEveryPartition(topic: string, make: () => Message): Promise<void> {
  const producer = kafka().producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [0, 1, 2].map((partition) => ({ ...make(), partition })) });
  } finally {
    await producer.disconnect();
  }
}

/** Waits until analytics has consumed everything published to feedback.requests.v1 so far. */
async function drainFeedbackTopic(): Promise<void> {
  const marker = id('b-marker');
  await publishOnEveryPartition('feedback.requests.v1', () => feedbackEvents(marker, '2030-06-12', { survey: 'csat' })[0]!);
  await eventually('the markers on every partition to be counted', () =>
    withDatabase('analytics', async (db) => ((await db.collection('business_days').findOne({ businessId: marker }))?.c?.feedback?.requested === 3 ? true : undefined)),
  );
}

describe('analytics aggregates (A1, A3, F15, idempotency)', () => {
  const A = id('b-analytics-a');
  const B = id('b-analytics-b');
  const day = randomMonday();
  let mix: ReturnType<typeof mixOfA>;

  beforeAll(async () => {
    mix = mixOfA(A, day);
    await publish('feedback.requests.v1', mix.messages.filter((m) => JSON.parse(m.value).type.startsWith('Feedback')));
    await publish('info.requests.v1', mix.messages.filter((m) => JSON.parse(m.value).type.startsWith('Information')));
    await publish('reports.v1', mix.messages.filter((m) => /Report/.test(JSON.parse(m.value).type)));
    // Business B: twelve CSAT requests on the same day, eight answered with a 5.
    const ofB = Array.from({ length: 12 }, (_, i) => feedbackEvents(B, day, i < 8 ? { survey: 'csat', answer: 5 } : { survey: 'csat' }));
    await publish('feedback.requests.v1', ofB.flat());
  });

  it('counts a realistic mix exactly: outcomes, response rate, CSAT, NPS, custom options, time to answer, information funnel, reports', async () => {
    const body = await eventually('every event of A to be counted', async () => {
      const { status, body } = await stats(`/v1/stats/businesses/${A}?from=${day}&to=${day}&granularity=day`);
      expect(status).toBe(200);
      // Every figure, not a sample of them: events of one business arrive on several partitions.
      expect(body.buckets[0]).toEqual({ start: day, end: day, ...expectedA });
      return body;
    });
    expect(body).toMatchObject({ businessId: A, from: day, to: day, granularity: 'day', k: 10 });
    expect(body.buckets).toHaveLength(1);
    expect(body.buckets[0]).toEqual({ start: day, end: day, ...expectedA });
    expect(body.totals).toEqual(expectedA);
  });

  it('derives weeks and months from the days, with buckets clipped to the range', async () => {
    const week = await stats(`/v1/stats/businesses/${A}?from=${addDays(day, -2)}&to=${addDays(day, 12)}&granularity=week`);
    expect(week.body.buckets.map((b: Json) => [b.start, b.end])).toEqual([
      [addDays(day, -2), addDays(day, -1)],
      [day, addDays(day, 6)],
      [addDays(day, 7), addDays(day, 12)],
    ]);
    expect(week.body.buckets[0].feedback.requested).toBe(0);
    expect(week.body.buckets[1]).toMatchObject(expectedA);
    const month = await stats(`/v1/stats/businesses/${A}?from=${addDays(day, -40)}&to=${addDays(day, 40)}&granularity=month`);
    expect(month.body.buckets.length).toBeGreaterThanOrEqual(3);
    expect(month.body.buckets.map((b: Json) => (b.start <= day && day <= b.end ? b.feedback.requested : b.feedback.requested + 100))).toEqual(
      month.body.buckets.map((b: Json) => (b.start <= day && day <= b.end ? 14 : 100)),
    );
    expect(month.body.buckets[0].start).toBe(addDays(day, -40));
    expect(month.body.totals).toEqual(expectedA);
  });

  it('adds every business up in the overview', async () => {
    // The rollup runs every few seconds from the days as they are then: one built while A's events of
    // another topic were still being counted is a correct but earlier overview, made again once they are.
    const body = await eventually('the overview rollup of the month, with every event of A and B', async () => {
      const { body } = await stats(`/v1/stats/overview?from=${day}&to=${day}`);
      expect(body.buckets?.[0]?.feedback?.requested).toBe(26);
      expect(body.buckets[0].information).toEqual(expectedA.information);
      expect(body.buckets[0].reports).toEqual(expectedA.reports);
      return body;
    });
    expect(body.businessId).toBeNull();
    expect(body.buckets[0].feedback).toMatchObject({ requested: 26, answered: 20, responseRate: 0.7692, csat: { count: 15, distribution: { '1': 1, '3': 1, '4': 3, '5': 10 } } });
    expect(body.buckets[0].information).toEqual(expectedA.information);
  });

  it('rolls a month up again from the business that changed, the others as built (and from the days alone, the same)', async () => {
    const month = day.slice(0, 7);
    const overviewOfDay = async () => (await stats(`/v1/stats/overview?from=${day}&to=${day}`)).body;
    const partRevs = () =>
      withDatabase('analytics', async (db) => new Map((await db.collection('overview_parts').find({ month }).toArray()).map((p) => [p['businessId'] as string, p['revs'] as number])));
    const before = await partRevs();
    expect([before.get(A), before.get(B)]).toEqual([expect.any(Number), expect.any(Number)]);

    // Twelve people of a new business D on the same day (at least k: the overview day stays published), two more requests
    // of B. Two more than k, as ten random people share a position of the people sketch about 1 % of the time (people-sketch.ts):
    // D would then count nine, under k, and the overview day be suppressed.
    const D = id('b-analytics-d');
    const ofD = Array.from({ length: 12 }, () => feedbackEvents(D, day, { survey: 'csat', answer: 4 }));
    await publish('feedback.requests.v1', [...ofD, ...Array.from({ length: 2 }, () => feedbackEvents(B, day, { survey: 'csat' }))].flat());
    const overview = await eventually('the overview to add D and the two of B', async () => {
      const body = await overviewOfDay();
      return body.buckets?.[0]?.feedback?.requested === 40 ? body : undefined;
    });
    expect(overview.buckets[0].feedback.csat.distribution).toEqual({ '1': 1, '2': 0, '3': 1, '4': 15, '5': 10 });
    const after = await partRevs();
    // A's days did not change: its part was not built again; B's and D's were.
    expect(after.get(A)).toBe(before.get(A));
    expect(after.get(B)).toBeGreaterThan(before.get(B)!);
    expect(after.get(D)).toBeGreaterThan(0);

    // The parts gone while the month's sums still hold them (the sums cannot be refolded: they are summed from every part again),
    // then also the sums' record of their parts (a month saved before parts were kept): rebuilt from the days, to the same figures.
    for (const unset of [{}, { folded: '', foldRev: '' }]) {
      await withDatabase('analytics', async (db) => {
        await db.collection('overview_parts').deleteMany({ month });
        await db.collection('overview_months').updateOne({ _id: month as never }, { $inc: { version: 1 }, $set: { dirty: true }, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) });
      });
      await eventually('the month rebuilt from its days', () =>
        withDatabase('analytics', async (db) =>
          (await db.collection('overview_months').findOne({ _id: month as never }))?.dirty === false && (await db.collection('overview_parts').countDocuments({ month })) === 3 ? true : undefined,
        ),
      );
      const rebuilt = await overviewOfDay();
      expect({ buckets: rebuilt.buckets, totals: rebuilt.totals }).toEqual({ buckets: overview.buckets, totals: overview.totals });
      expect(await partRevs()).toEqual(after);
    }
  });

  it('reads and rolls up a day that holds no one (an outcome whose request was never counted)', async () => {
    // A month of its own: the lone outcome's day is small, and would be blocked in this file's overview month.
    const lonely = addDays(day, 70);
    const month = lonely.slice(0, 7);
    const E = id('b-analytics-e');
    const [, declined] = informationEvents(E, lonely, { declined: true }) as [Message, Message];
    await publish('info.requests.v1', [declined]);
    // A day without data reads 0; with E's outcome counted, it holds fewer than k people (none): suppressed.
    const body = await eventually("E's outcome counted", async () => {
      const { status, body } = await stats(`/v1/stats/businesses/${E}?from=${lonely}&to=${lonely}`);
      return status === 200 && body.buckets?.[0]?.information?.declined?.suppressed === true ? body : undefined;
    });
    expect(body.buckets[0].information.requested).toEqual({ suppressed: true });
    await eventually("the overview month of E's day built", () =>
      withDatabase('analytics', async (db) =>
        (await db.collection('overview_months').findOne({ _id: month as never }))?.dirty === false && (await db.collection('overview_parts').findOne({ month, businessId: E })) ? true : undefined,
      ),
    );
    expect((await stats(`/v1/stats/overview?from=${lonely}&to=${lonely}`)).status).toBe(200);
  });

  it('never counts a redelivered event twice: duplicates and replays', async () => {
    // Replay of already counted events (their batch's applied record skips them).
    await publish('feedback.requests.v1', mix.replayable);
    await drainFeedbackTopic();
    const { body } = await stats(`/v1/stats/businesses/${A}?from=${day}&to=${day}`);
    expect(body.buckets[0]).toEqual({ start: day, end: day, ...expectedA });
  });

  it('counts an event once after a crash in the middle of its write, and records it', async () => {
    // A crash is a process gone: an instance of its own (its own group and database) counts the topic, stops,
    // and is left in the state a crash inside a write leaves; a new process then gets the event again. (Staged
    // under a live process, the state would contradict what that process remembers having recorded.)
    const run = randomUUID().slice(0, 8);
    const [group, prefix] = [`analytics-crash-e2e-${run}`, `e2e_crash_${run}_`];
    const start = () =>
      startExtraInstance('analytics', { port: profile().servicePorts.analytics + 61, env: { KAFKA_GROUP_ID: group, MONGO_DB_PREFIX: prefix }, logName: 'analytics-crash' });
    let instance = await start();
    try {
      for (const topic of ['feedback.requests.v1', 'info.requests.v1', 'reports.v1']) await awaitConsumedToEnd(group, topic, undefined, 120_000);
      await instance.stop();
      // The state a crash in the middle of the write leaves: the day's guard holds the event, its applied record is
      // missing, and the write that left it there bumped the day's rev, as every counting write does.
      const another = JSON.parse(mix.replayable[1]!.value) as { id: string; type: string };
      await withDatabase(
        'analytics',
        async (db) => {
          await db.collection('applied_batches').updateMany({ ids: another.id }, { $pull: { ids: another.id } } as never);
          await db.collection('business_days').updateOne({ _id: `${day}|${A}` as never }, { $addToSet: { pending: another.id }, $inc: { rev: 1 } } as never);
        },
        prefix,
      );
      instance = await start();
      await publishAndAwaitConsumed(group, 'feedback.requests.v1', [mix.replayable[1]!], 120_000);

      const { body } = await stats(`/v1/stats/businesses/${A}?from=${day}&to=${day}`, undefined, undefined, instance.url);
      expect(body.buckets[0]).toEqual({ start: day, end: day, ...expectedA });
      // What the day still holds pending is recorded by now (the next write of the day takes it off): nothing is left half-counted.
      await withDatabase(
        'analytics',
        async (db) => {
          const pending = ((await db.collection('business_days').findOne({ _id: `${day}|${A}` as never }))?.pending as string[] | undefined) ?? [];
          expect(pending).toContain(another.id);
          const records = await db.collection<{ ids: string[] }>('applied_batches').find({ ids: { $in: pending } }).toArray();
          const recorded = new Set(records.flatMap((r) => r.ids));
          expect(pending.filter((id) => !recorded.has(id))).toEqual([]);
        },
        prefix,
      );
    } finally {
      await instance.stop();
      await withDatabase('analytics', (db) => db.dropDatabase(), prefix).catch(() => undefined);
    }
  });

  it('counts nothing again for an event recorded the way analytics recorded events before (a record of its own in applied_events)', async () => {
    const D = id('b-analytics-legacy');
    const [recordedBefore] = feedbackEvents(D, day, { survey: 'csat' });
    const [fresh] = feedbackEvents(D, day, { survey: 'csat' });
    const eventId = (JSON.parse(recordedBefore!.value) as { id: string }).id;
    await withDatabase('analytics', (db) => db.collection('applied_events').insertOne({ _id: eventId as never, cell: `${day}|${D}`, appliedAt: new Date() }));
    await publish('feedback.requests.v1', [recordedBefore!, fresh!]);
    await drainFeedbackTopic();
    const counted = await withDatabase('analytics', async (db) => (await db.collection('business_days').findOne({ _id: `${day}|${D}` as never }))?.c?.feedback?.requested);
    expect(counted).toBe(1);
  });

  it('keeps a day\'s set of people positions bounded: a full day takes no more (the figures still count everyone)', async () => {
    // 600 distinct people on one business-day: far more positions than a day keeps (256).
    const C = id('b-analytics-cap');
    const people = (n: number) => Array.from({ length: n }, () => feedbackEvents(C, day, { survey: 'csat' })).flat();
    const positions = () => withDatabase('analytics', async (db) => ((await db.collection('business_days').findOne({ _id: `${day}|${C}` as never }))?.people as number[] | undefined) ?? []);
    const requested = () => withDatabase('analytics', async (db) => (await db.collection('business_days').findOne({ _id: `${day}|${C}` as never }))?.c?.feedback?.requested as number | undefined);
    await publish('feedback.requests.v1', people(300));
    await eventually('the first 300 counted', async () => ((await requested()) === 300 ? true : undefined));
    const full = await positions();
    // The cap, topped up by at most one batch per partition consumed at once.
    expect(full.length).toBeGreaterThanOrEqual(256);
    expect(full.length).toBeLessThanOrEqual(3 * 256);
    expect(new Set(full).size).toBe(full.length);
    await publish('feedback.requests.v1', people(300));
    await eventually('all 600 counted', async () => ((await requested()) === 600 ? true : undefined));
    expect(await positions()).toEqual(full);
  });

  it('answers CSV with the same figures when asked', async () => {
    const json = await stats(`/v1/stats/businesses/${A}?from=${addDays(day, -1)}&to=${day}&granularity=day`);
    const csv = await stats(`/v1/stats/businesses/${A}?from=${addDays(day, -1)}&to=${day}&granularity=day`, analyst(), 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.csv"/);
    const [header, ...rows] = csv.text.trimEnd().split('\r\n').map((line) => line.split(','));
    const column = (name: string) => header!.indexOf(name);
    expect(rows.map((r) => [r[0], r[2], r[3]])).toEqual([
      ['bucket', addDays(day, -1), addDays(day, -1)],
      ['bucket', day, day],
      ['total', addDays(day, -1), day],
    ]);
    const second = rows[1]!;
    expect(second[column('feedback.requested')]).toBe(String(json.body.buckets[1].feedback.requested));
    expect(second[column('feedback.responseRate')]).toBe('0.8571');
    expect(second[column('feedback.csat.distribution.4')]).toBe('3');
    expect(second[column('feedback.custom.Fast')]).toBe('1');
    expect(second[column('information.sharedFields.email')]).toBe('5');
    expect(second[column('reports.byReason.spam')]).toBe('2');
    expect(rows[2]![column('feedback.answered')]).toBe('12');
  });

  it('lets analysts read everything, a business and its processor only their own, and nobody else (401, 403, 400)', async () => {
    const path = `/v1/stats/businesses/${A}?from=${day}&to=${day}`;
    const noToken = await fetch(`${api()}${path}`);
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({ statusCode: 401, error: 'unauthorized' });
    expect((await stats(path, 'not.a.token')).status).toBe(401);
    expect((await stats(path, token('analyst', {}, -10))).status).toBe(401);
    expect((await stats(path, token('business', { sub: 'u', businessId: A }))).status).toBe(200);
    expect((await stats(path, token('processor', { sub: 'p', businessId: A }))).status).toBe(200);
    expect((await stats(path, token('business', { sub: 'u', businessId: B }))).body).toMatchObject({ statusCode: 403, error: 'forbidden' });
    expect((await stats(path, token('processor', { sub: 'p', businessId: B }))).status).toBe(403);
    expect((await stats(path, token('integrity', { sub: 'i' }))).status).toBe(403);
    expect((await stats(`/v1/stats/overview?from=${day}&to=${day}`, token('business', { sub: 'u', businessId: A }))).status).toBe(403);
    expect((await stats('/v1/stats/businesses', token('business', { sub: 'u', businessId: A }))).status).toBe(403);
    // The token is checked before the query: a bad query with no token is still 401, with another business's 403.
    expect((await fetch(`${api()}/v1/stats/businesses/${A}?from=nope`)).status).toBe(401);
    expect((await stats(`/v1/stats/businesses/${A}?from=nope`, token('business', { sub: 'u', businessId: B }))).status).toBe(403);

    for (const query of ['from=2031-02-30&to=2031-03-03', 'from=03/03/2031&to=2031-03-03', 'from=2031-03-04&to=2031-03-03', 'from=2031-03-01&to=2031-03-03&granularity=year', 'from=2020-01-01&to=2031-03-03', 'from=2031-03-01&to=2031-03-03&limit=5', 'from=2031-03-01&from=2031-03-02']) {
      for (const scope of [`/v1/stats/businesses/${A}`, '/v1/stats/overview']) {
        const bad = await stats(`${scope}?${query}`);
        expect([query, bad.status, bad.body.error]).toEqual([query, 400, 'validation_failed']);
      }
    }
    const reversed = await stats(`/v1/stats/overview?from=2031-03-04&to=2031-03-03`);
    expect(reversed.body.fields).toEqual([{ field: 'from', problems: ['must not be after to'] }]);
    expect((await stats(`/v1/stats/businesses/${encodeURIComponent('bad id!')}?from=${day}&to=${day}`)).status).toBe(400);
  });

  it('lists the known businesses, by name when their profile was seen', async () => {
    const business = await publishBusiness({ name: 'Analytics Listed Bakery' });
    used.add(business.admin.userId).add(business.admin.email).add(business.member.userId).add(business.member.email);
    const list = await eventually('the business in the list', async () => {
      const { body } = await stats('/v1/stats/businesses');
      return body.items?.some((b: Json) => b.businessId === business.businessId) ? body.items : undefined;
    });
    expect(list).toContainEqual({ businessId: business.businessId, name: 'Analytics Listed Bakery' });
    expect(list).toContainEqual({ businessId: A });
  });

  describe('through the real services', () => {
    let business: BusinessFixture;
    const today = new Date().toISOString().slice(0, 10);
    const linkKey = respondentLinkKey(DEV_JWT_SECRET);
    const link = (purpose: 'feedback-request' | 'information-request', subjectId: string) =>
      `${serviceUrl('requests')}/respond/${signRespondentLink({ purpose, subjectId, language: 'en' }, linkKey, new Date(Date.now() + 3_600_000))}`;
    const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    beforeAll(async () => {
      business = await publishBusiness({ name: 'Analytics Real Flow' });
      for (const person of [business.admin, business.member]) used.add(person.userId).add(person.email);
    });

    it('counts requests made and answered through requests, and keeps no comment, id or contact', async () => {
      const bearer = token('business', { sub: business.admin.userId, businessId: business.businessId });
      const people = await Promise.all(Array.from({ length: 12 }, () => publishUser('en')));
      for (const person of people) used.add(person.userId).add(person.email);
      const conversations = await Promise.all(people.map((person) => publishConversation(business.businessId, person.userId, [business.member.userId])));
      conversations.forEach((c) => used.add(c));
      const requestIds: string[] = [];
      for (const [n, person] of people.entries()) {
        const created = await eventually(`requests to know conversation ${n}`, async () => {
          const response = await fetch(`${serviceUrl('requests')}/v1/businesses/${business.businessId}/feedback-requests`, {
            method: 'POST',
            headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
            body: JSON.stringify({ conversationId: conversations[n], userId: person.userId, survey: { type: 'csat' } }),
          });
          return response.status === 201 ? ((await response.json()) as { id: string }) : undefined;
        });
        requestIds.push(track(created.id));
      }
      for (const [n, requestId] of requestIds.entries()) {
        const response =
          n < 10
            ? await post(link('feedback-request', requestId), { score: (n % 5) + 1, comment: personal(track(`Analytics must never keep this comment ${randomUUID()}`)) })
            : await post(`${link('feedback-request', requestId)}/decline`, {});
        expect(response.status).toBe(201);
      }

      const reviewer = await publishUser('en');
      used.add(reviewer.userId).add(reviewer.email);
      const reviewId = track(await publishReview(business.businessId, reviewer.userId));
      const asked = await eventually('the information request', async () => {
        const response = await fetch(`${serviceUrl('requests')}/v1/businesses/${business.businessId}/reviews/${reviewId}/information-requests`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          body: '{}',
        });
        return response.status === 201 ? ((await response.json()) as { id: string }) : undefined;
      });
      track(asked.id);
      const shared = { email: track(`shared.${randomUUID()}@mail.example`), referenceNumber: personal(track(`ORD-${randomUUID().slice(0, 8)}`)), phone: personal(track('+31 6 1234 5678')) };
      expect((await post(link('information-request', asked.id), shared)).status).toBe(201);

      const body = await eventually('the real flow counted', async () => {
        const { body } = await stats(`/v1/stats/businesses/${business.businessId}?from=${today}&to=${today}`);
        const f = body.buckets?.[0]?.feedback;
        return f?.requested === 12 && f?.answered === 10 && f?.declined === 2 && body.buckets[0].information.answered === 1 ? body : undefined;
      });
      expect(body.buckets[0].feedback).toMatchObject({ responseRate: 0.8333, csat: { count: 10, mean: 3, distribution: { '1': 2, '2': 2, '3': 2, '4': 2, '5': 2 } } });
      expect(body.buckets[0].information).toMatchObject({ requested: 1, answered: 1, sharedFields: { email: 1, referenceNumber: 1, fullName: 0, phone: 1 } });
    });
  });

  // Declared last, so it runs after every test of this file (the real flow included).
  describe('at the end of the run', () => {
    it('keeps no person id, contact detail, free text or request id anywhere in its database (A1)', async () => {
      expect([...used].some((value) => value.startsWith('Analytics must never keep this comment'))).toBe(true);
      const dump = await withDatabase('analytics', async (db) => {
        const collections = await db.listCollections().toArray();
        const parts: string[] = [];
        for (const { name } of collections) parts.push(`${name}: ${JSON.stringify(await db.collection(name).find({}).toArray())}`);
        return parts.join('\n');
      });
      expect(dump).toContain(A); // the scan reads the real data
      expect(used.size).toBeGreaterThan(200);
      const found = [...used].filter((value) => !value.startsWith('b-') && dump.includes(value));
      expect(found).toEqual([]);
    });
  });
});
