import { randomUUID } from 'node:crypto';
import { awaitConsumedToEnd, envelope, eventually, profile, publish, serviceUrl, startExtraInstance, token, withDatabase, type ExtraInstance } from './support';

/**
 * A2 end to end: small groups are suppressed, and no combination of what the
 * API publishes (any business, the overview, any granularity, any range)
 * gives a small group away. The proof is an audit: every published figure
 * becomes an equation over the business-days it adds up, and no group of
 * fewer than k people may lie in the span of those equations.
 *
 * The scenario lives in the first two weeks of a random month of 2041–2050
 * (its own overview, also when the suite runs again on the same stack).
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const SUPPRESSED = { suppressed: true };
const K = 10;

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
function firstMondayOfRandomMonth(): string {
  const month = new Date(Date.UTC(2041 + Math.floor(Math.random() * 10), Math.floor(Math.random() * 12), 1)).toISOString().slice(0, 10);
  const weekday = new Date(`${month}T00:00:00Z`).getUTCDay();
  return addDays(month, (8 - weekday) % 7);
}

async function stats(path: string, base = serviceUrl('analytics')): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token('analyst')}` } });
  return { status: response.status, body: (await response.json()) as Json };
}

/** n people asked for feedback by `businessId` on `day`; each answers with a 4 except every third. */
function requests(businessId: string, day: string, people: string[]) {
  return people.flatMap((userId, n) => {
    const requestId = `fr-${randomUUID()}`;
    const base = { requestId, businessId, test: false, requestedAt: `${day}T10:00:00.000Z` };
    const asked = envelope('FeedbackRequested', { ...base, conversationId: `c-${randomUUID()}`, userId, requestedBy: 'admin', survey: { type: 'csat' }, expiresAt: `${addDays(day, 7)}T10:00:00.000Z` });
    const answered = envelope('FeedbackSubmitted', { ...base, conversationId: 'c', userId, representativeIds: [], surveyType: 'csat', score: 4, submittedAt: `${day}T12:00:00.000Z` });
    return n % 3 === 2 ? [{ key: requestId, value: JSON.stringify(asked) }] : [{ key: requestId, value: JSON.stringify(asked) }, { key: requestId, value: JSON.stringify(answered) }];
  });
}
const persons = (n: number) => Array.from({ length: n }, () => `user-${randomUUID()}`);

/** Rank and span over GF(p), p prime: exact for these small 0/1 systems. */
function span(rows: bigint[][]) {
  const P = 2_147_483_647n;
  const pow = (b: bigint, e: bigint): bigint => (e === 0n ? 1n : e % 2n ? (b * pow(b, e - 1n)) % P : pow((b * b) % P, e / 2n));
  const basis: { pivot: number; row: bigint[] }[] = [];
  const reduce = (vector: bigint[]) => {
    const v = [...vector];
    for (const { pivot, row } of basis) {
      const factor = v[pivot]!;
      if (factor !== 0n) for (let i = 0; i < v.length; i++) v[i] = (((v[i]! - factor * row[i]!) % P) + P) % P;
    }
    return v;
  };
  for (const row of rows) {
    const v = reduce(row);
    const pivot = v.findIndex((x) => x !== 0n);
    if (pivot < 0) continue;
    const inverse = pow(v[pivot]!, P - 2n);
    basis.push({ pivot, row: v.map((x) => (x * inverse) % P) });
  }
  return { contains: (vector: bigint[]) => reduce(vector).every((x) => x === 0n) };
}

describe('analytics suppression (A2)', () => {
  const m = firstMondayOfRandomMonth();
  const d = (n: number) => addDays(m, n);
  const S = `b-small-${randomUUID()}`;
  const L = `b-large-${randomUUID()}`;
  const M = `b-pooled-${randomUUID()}`;
  const N = `b-tiny-${randomUUID()}`;
  const businesses = [S, L, M, N];
  /** The truth: people per business-day (each asked once). */
  const cells: { businessId: string; day: string; people: string[] }[] = [
    { businessId: S, day: d(1), people: persons(3) },
    { businessId: L, day: d(1), people: persons(15) },
    { businessId: L, day: d(2), people: persons(4) },
    { businessId: L, day: d(8), people: persons(12) },
    { businessId: M, day: d(7), people: persons(4) },
    { businessId: M, day: d(8), people: persons(4) },
    { businessId: M, day: d(9), people: persons(4) },
    { businessId: N, day: d(3), people: persons(2) },
  ];
  const window = Array.from({ length: 15 }, (_, n) => d(n - 1)); // the Sunday before to the second Sunday

  beforeAll(async () => {
    await publish('feedback.requests.v1', cells.flatMap((c) => requests(c.businessId, c.day, c.people)));
    await eventually('every business-day counted and the overview month built', async () => {
      const counted = await withDatabase('analytics', async (db) => {
        const docs = await db.collection('business_days').find({ businessId: { $in: businesses } }).toArray();
        return cells.every((c) => docs.some((doc) => doc.businessId === c.businessId && doc.day === c.day && doc.c?.feedback?.requested === c.people.length));
      });
      if (!counted) return undefined;
      const overview = await stats(`/v1/stats/overview?from=${d(7)}&to=${d(13)}&granularity=week`);
      return overview.body.buckets?.[0]?.feedback?.requested === 24 ? true : undefined;
    });
  });

  it('publishes a group of fewer than k people as {"suppressed": true} in place of every figure', async () => {
    const { body } = await stats(`/v1/stats/businesses/${S}?from=${d(1)}&to=${d(1)}`);
    const bucket = body.buckets[0];
    expect(bucket.feedback).toMatchObject({ requested: SUPPRESSED, answered: SUPPRESSED, responseRate: SUPPRESSED, csat: { count: SUPPRESSED, mean: SUPPRESSED, distribution: { '4': SUPPRESSED, '5': SUPPRESSED } } });
    expect(bucket.information.sharedFields.email).toEqual(SUPPRESSED);
    expect(bucket.reports.byReason.spam).toEqual(SUPPRESSED);
    expect(JSON.stringify(bucket)).not.toMatch(/:\d/);
    expect(body.totals.feedback.requested).toEqual(SUPPRESSED);
    // Its week and month are as small: suppressed too, whatever the granularity.
    for (const granularity of ['week', 'month']) expect((await stats(`/v1/stats/businesses/${S}?from=${m}&to=${d(13)}&granularity=${granularity}`)).body.buckets[0].feedback.requested).toEqual(SUPPRESSED);
  });

  it('hides a big day whose week would give a small neighbour away, and publishes the week whole', async () => {
    const days = await stats(`/v1/stats/businesses/${L}?from=${d(0)}&to=${d(8)}&granularity=day`);
    const byDay = Object.fromEntries(days.body.buckets.map((b: Json) => [b.start, b.feedback.requested]));
    expect(byDay[d(2)]).toEqual(SUPPRESSED); // 4 people
    expect(byDay[d(1)]).toEqual(SUPPRESSED); // 15 people, but the week minus this day would be the small one
    expect(byDay[d(8)]).toBe(12);
    expect(byDay[d(0)]).toBe(0);
    const weeks = await stats(`/v1/stats/businesses/${L}?from=${m}&to=${d(13)}&granularity=week`);
    expect(weeks.body.buckets.map((b: Json) => b.feedback.requested)).toEqual([19, 12]);
    expect(weeks.body.buckets[0].feedback).toMatchObject({ answered: 13, csat: { count: 13, mean: 4, distribution: { '4': 13 } } });
    expect(weeks.body.totals.feedback.requested).toBe(31);
    // A range that cuts the pair apart is suppressed: its neighbour would give the small day away.
    expect((await stats(`/v1/stats/businesses/${L}?from=${d(2)}&to=${d(8)}`)).body.totals.feedback.requested).toEqual(SUPPRESSED);
  });

  it('pools small days of one week into a publishable week', async () => {
    const { body } = await stats(`/v1/stats/businesses/${M}?from=${d(7)}&to=${d(13)}&granularity=day`);
    expect(body.buckets.slice(0, 3).map((b: Json) => b.feedback.requested)).toEqual([SUPPRESSED, SUPPRESSED, SUPPRESSED]);
    expect(body.totals.feedback.requested).toBe(12);
  });

  it('hides overview buckets that minus the other businesses would give a small business away', async () => {
    const days = await stats(`/v1/stats/overview?from=${d(0)}&to=${d(9)}&granularity=day`);
    const byDay = Object.fromEntries(days.body.buckets.map((b: Json) => [b.start, b.feedback.requested]));
    expect(byDay[d(1)]).toEqual(SUPPRESSED);
    expect(byDay[d(3)]).toEqual(SUPPRESSED);
    expect(byDay[d(8)]).toEqual(SUPPRESSED); // M's pooled atom spans three days
    expect(byDay[d(0)]).toBe(0);
    const weeks = await stats(`/v1/stats/overview?from=${m}&to=${d(13)}&granularity=week`);
    expect(weeks.body.buckets.map((b: Json) => b.feedback.requested)).toEqual([SUPPRESSED, 24]);
    const month = await stats(`/v1/stats/overview?from=${m.slice(0, 8)}01&to=${d(13)}&granularity=month`);
    expect(month.body.buckets[0].feedback.requested).toEqual(SUPPRESSED); // S and N together are 5 people: never published
  });

  it('publishes nothing from which a group of fewer than k people can be worked out (audit of every range, granularity and scope)', async () => {
    const withData = cells;
    const column = (businessId: string, day: string) => withData.findIndex((c) => c.businessId === businessId && c.day === day);
    const rowOf = (scope: string[], from: string, to: string) => withData.map((c) => (scope.includes(c.businessId) && c.day >= from && c.day <= to ? 1n : 0n));
    const truth = (scope: string[], from: string, to: string) => withData.filter((c) => scope.includes(c.businessId) && c.day >= from && c.day <= to).reduce((n, c) => n + c.people.length, 0);

    const published: bigint[][] = [];
    const wrong: string[] = [];
    const record = (scope: string[], label: string, from: string, to: string, figure: unknown) => {
      if (typeof figure !== 'number') return;
      if (figure !== truth(scope, from, to)) wrong.push(`${label} ${from}..${to}: ${figure}`);
      published.push(rowOf(scope, from, to));
    };
    const scopes = [...businesses.map((b) => ({ label: b, ids: [b], path: `/v1/stats/businesses/${b}` })), { label: 'overview', ids: businesses, path: '/v1/stats/overview' }];
    for (const scope of scopes) {
      for (const [i, from] of window.entries()) {
        const responses = await Promise.all(window.slice(i).map((to) => stats(`${scope.path}?from=${from}&to=${to}&granularity=day`)));
        for (const { body } of responses) {
          record(scope.ids, scope.label, body.from, body.to, body.totals.feedback.requested);
          for (const bucket of body.buckets) record(scope.ids, scope.label, bucket.start, bucket.end, bucket.feedback.requested);
        }
      }
      for (const granularity of ['week', 'month']) {
        const { body } = await stats(`${scope.path}?from=${addDays(m, -7)}&to=${addDays(m, 40)}&granularity=${granularity}`);
        for (const bucket of body.buckets) record(scope.ids, scope.label, bucket.start, bucket.end, bucket.feedback.requested);
      }
    }
    expect(wrong).toEqual([]);
    expect(published.length).toBeGreaterThan(100);

    const audit = span(published);
    const small: { what: string; row: bigint[] }[] = [];
    const unionOf = (picked: typeof withData) => withData.map((c) => (picked.includes(c) ? 1n : 0n));
    // Every set of business-days with fewer than k people between them.
    for (let mask = 1; mask < 1 << withData.length; mask++) {
      const picked = withData.filter((_, i) => mask & (1 << i));
      if (new Set(picked.flatMap((c) => c.people)).size < K) small.push({ what: picked.map((c) => `${c.businessId.split('-')[1]}@${c.day}`).join(' + '), row: unionOf(picked) });
    }
    expect(small.length).toBeGreaterThan(10);
    expect(column(S, d(1))).toBeGreaterThanOrEqual(0);
    expect(small.filter((group) => audit.contains(group.row)).map((group) => group.what)).toEqual([]);
  });

  describe('with Laplace noise (ANALYTICS_NOISE_EPSILON)', () => {
    let noisy: ExtraInstance | undefined;
    const run = randomUUID().slice(0, 8);
    beforeAll(async () => {
      noisy = await startExtraInstance('analytics', {
        port: profile().servicePorts.analytics + 60,
        env: { ANALYTICS_NOISE_EPSILON: '0.5', ANALYTICS_ROLLUP_INTERVAL: 'PT1S', KAFKA_GROUP_ID: `analytics-noise-e2e-${run}`, MONGO_DB_PREFIX: `e2e_noise_${run}_` },
        logName: 'analytics-noise',
      });
    });
    afterAll(async () => {
      await noisy?.stop();
    });

    it('adds noise that is the same every time it is asked, and keeps suppression', async () => {
      const path = `/v1/stats/businesses/${L}?from=${m}&to=${d(13)}&granularity=week`;
      const paths = ['requested', 'answered', 'declined', 'expired', 'csat.distribution.1', 'csat.distribution.2', 'csat.distribution.3', 'csat.distribution.4', 'csat.distribution.5', 'nps.promoters', 'nps.passives', 'nps.detractors'];
      const at = (node: Json, path: string) => path.split('.').reduce<Json>((n, key) => n[key], node);
      // Every event of the topic counted first: figures read while counting goes on would differ from read to read.
      await awaitConsumedToEnd(`analytics-noise-e2e-${run}`, 'feedback.requests.v1', undefined, 120_000);
      const first = await eventually('the noisy instance to have counted L and S', async () => {
        const small = await stats(`/v1/stats/businesses/${S}?from=${d(1)}&to=${d(1)}`, noisy!.url);
        if (small.body.buckets?.[0]?.feedback?.requested?.suppressed !== true) return undefined; // empty (not yet counted) days are published, with noise
        const { body } = await stats(path, noisy!.url);
        // Every figure counted, in every bucket (events of L arrive on several partitions).
        const counted = (body.buckets ?? []).length > 1 && body.buckets.every((bucket: Json) => paths.every((p) => typeof at(bucket.feedback, p) === 'number'));
        return counted ? body : undefined;
      });
      expect(first.noise).toEqual({ epsilon: 0.5 });
      for (let i = 0; i < 3; i++) expect((await stats(path, noisy!.url)).body).toEqual(first);
      const exact = (await stats(path)).body;
      const pairs = exact.buckets.flatMap((bucket: Json, i: number) => paths.map((path) => [at(first.buckets[i].feedback, path), at(bucket.feedback, path)]));
      expect(pairs.every(([n]: number[]) => Number.isInteger(n) && n! >= 0)).toBe(true);
      expect(pairs.filter(([n, e]: number[]) => n !== e).length).toBeGreaterThan(3);
      expect((await stats(`/v1/stats/businesses/${S}?from=${d(1)}&to=${d(1)}`, noisy!.url)).body.buckets[0].feedback.requested).toEqual(SUPPRESSED);
    });
  });
});
