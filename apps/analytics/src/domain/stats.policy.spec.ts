import { emptyCounts, type CounterKey, type Counts } from './aggregates.types';
import { keyedUniform } from './noise.policy';
import { planBusinessMonth } from './release.policy';
import { buildStats, groupFigures, SUPPRESSED } from './stats.policy';

function counts(counters: Partial<Record<CounterKey, number>>, custom: Record<string, number> = {}): Counts {
  return { counters, custom };
}

describe('stats figures', () => {
  it('derives the response rate, CSAT mean, NPS score and keeps every distribution key', () => {
    const figures = groupFigures(
      counts(
        {
          'feedback.requested': 40,
          'feedback.answered': 25,
          'feedback.declined': 3,
          'feedback.expired': 2,
          'feedback.csat.1': 1,
          'feedback.csat.3': 2,
          'feedback.csat.4': 10,
          'feedback.csat.5': 7,
          'feedback.nps.10': 1,
          'feedback.nps.9': 1,
          'feedback.nps.8': 2,
          'feedback.nps.3': 1,
          'information.requested': 12,
          'information.sharedFields.email': 5,
          'reports.byReason.spam': 1,
        },
        { Fast: 3, Slow: 0 },
      ),
      true,
      'b1',
    );
    expect(figures.feedback).toMatchObject({
      requested: 40,
      answered: 25,
      declined: 3,
      expired: 2,
      responseRate: 0.625,
      csat: { count: 20, mean: 4.1, distribution: { '1': 1, '2': 0, '3': 2, '4': 10, '5': 7 } },
      nps: { count: 5, score: 20, promoters: 2, passives: 2, detractors: 1 },
      custom: { Fast: 3, Slow: 0 },
    });
    expect(figures.information.sharedFields).toEqual({ email: 5, referenceNumber: 0, fullName: 0, phone: 0 });
    expect(figures.reports.byReason).toEqual({ not_genuine_experience: 0, spam: 1, harmful: 0, conflict_of_interest: 0, other: 0 });
  });

  it('publishes nothing to divide as null, not as zero', () => {
    const figures = groupFigures(emptyCounts(), true, 'b1');
    expect(figures.feedback.responseRate).toBeNull();
    expect(figures.feedback.csat.mean).toBeNull();
    expect(figures.feedback.nps.score).toBeNull();
    expect(figures.feedback.requested).toBe(0);
  });

  it('replaces every figure of a suppressed group, distributions included, with {"suppressed": true}', () => {
    const figures = groupFigures(counts({ 'feedback.requested': 3, 'feedback.csat.5': 2 }, { Fast: 1 }), false, 'b1');
    const leaves: unknown[] = [];
    const walk = (node: unknown) => {
      if (node && typeof node === 'object' && !('suppressed' in node)) Object.values(node).forEach(walk);
      else leaves.push(node);
    };
    walk(figures);
    expect(leaves.length).toBeGreaterThan(40);
    expect(leaves.every((leaf) => leaf === SUPPRESSED)).toBe(true);
    expect(JSON.stringify(figures)).not.toMatch(/:-?\d/);
  });
});

describe('buildStats', () => {
  const day = (c: Partial<Record<CounterKey, number>>) => counts(c);
  const countsByDay = new Map([
    ['2031-03-03', day({ 'feedback.requested': 12, 'feedback.answered': 6 })],
    ['2031-03-04', day({ 'feedback.requested': 12, 'feedback.answered': 3 })],
    ['2031-03-11', day({ 'feedback.requested': 2 })],
  ]);
  const cells = [
    { businessId: 'b1', day: '2031-03-03', hasData: true, people: Array.from({ length: 12 }, (_, i) => i) },
    { businessId: 'b1', day: '2031-03-04', hasData: true, people: Array.from({ length: 12 }, (_, i) => 100 + i) },
    { businessId: 'b1', day: '2031-03-11', hasData: true, people: [200, 201] },
  ];
  const plans = new Map([['2031-03', planBusinessMonth(cells, 10)]]);

  it('cuts the range into clipped buckets, publishes the big ones and suppresses the small one and what would reveal it', () => {
    const body = buildStats({ businessId: 'b1', from: '2031-03-01', to: '2031-03-12', granularity: 'week', k: 10 }, { countsByDay, plans });
    expect(body).toMatchObject({ businessId: 'b1', from: '2031-03-01', to: '2031-03-12', granularity: 'week', k: 10 });
    expect(body.buckets.map((b) => [b.start, b.end])).toEqual([
      ['2031-03-01', '2031-03-02'],
      ['2031-03-03', '2031-03-09'],
      ['2031-03-10', '2031-03-12'],
    ]);
    expect(body.buckets[0]!.feedback.requested).toBe(0);
    // 03-11 (2 people) joined the smallest atom (03-03, 12 people): the week of 03-03 and the totals hold it whole.
    expect(body.buckets[1]!.feedback.requested).toBe(SUPPRESSED);
    expect(body.buckets[2]!.feedback.requested).toBe(SUPPRESSED);
    expect(body.totals.feedback).toMatchObject({ requested: 26, answered: 9, responseRate: 0.3462 });

    const days = buildStats({ businessId: 'b1', from: '2031-03-03', to: '2031-03-04', granularity: 'day', k: 10 }, { countsByDay, plans });
    expect(days.buckets.map((b) => b.feedback.requested)).toEqual([SUPPRESSED, 24 - 12]);
    expect(days.totals.feedback.requested).toBe(SUPPRESSED);
  });

  it('adds deterministic noise when asked, and says so', () => {
    const noise = { epsilon: 1, uniform: keyedUniform('a-noise-key-for-the-stats-spec-000') };
    const query = { businessId: 'b1', from: '2031-03-04', to: '2031-03-04', granularity: 'day' as const, k: 10 };
    const first = buildStats(query, { countsByDay, plans, noise });
    expect(first.noise).toEqual({ epsilon: 1 });
    expect(buildStats(query, { countsByDay, plans, noise })).toEqual(first);
    expect(typeof first.buckets[0]!.feedback.requested).toBe('number');
  });
});
