import type { Cell } from './aggregates.types';
import { daysIn, monthOf, periodsIn, type Granularity } from './calendar';
import { combineOverviewParts, isReleasable, overviewPartOf, planBusinessMonth, planOverviewMonth, type MonthPlan, type OverviewPart } from './release.policy';

const K = 10;
let nextPerson = 0;
const people = (n: number) => Array.from({ length: n }, () => nextPerson++);
const cell = (businessId: string, day: string, persons: number[], hasData = true): Cell => ({ businessId, day, hasData, people: persons });

function businessPlans(cells: Cell[], businessId: string, k = K): Map<string, MonthPlan> {
  const own = cells.filter((c) => c.businessId === businessId);
  return new Map([...new Set(own.map((c) => monthOf(c.day)))].map((m) => [m, planBusinessMonth(own.filter((c) => monthOf(c.day) === m), k)]));
}
function overviewPlans(cells: Cell[], k = K): Map<string, MonthPlan> {
  return new Map([...new Set(cells.map((c) => monthOf(c.day)))].map((m) => [m, planOverviewMonth(cells.filter((c) => monthOf(c.day) === m), k)]));
}

describe('release policy: primary suppression', () => {
  it('publishes days, weeks and months made of groups of k people or more', () => {
    const cells = [cell('a', '2031-03-03', people(12)), cell('a', '2031-03-04', people(15)), cell('a', '2031-03-12', people(10))];
    const plans = businessPlans(cells, 'a');
    for (const day of ['2031-03-03', '2031-03-04', '2031-03-12', '2031-03-05']) expect(isReleasable(plans, day, day)).toBe(true);
    expect(isReleasable(plans, '2031-03-01', '2031-03-31')).toBe(true);
    expect(isReleasable(plans, '2031-03-04', '2031-03-20')).toBe(true);
  });

  it('suppresses a small day, and every range holding it alone', () => {
    const cells = [cell('a', '2031-03-03', people(3))];
    const plans = businessPlans(cells, 'a');
    expect(isReleasable(plans, '2031-03-03', '2031-03-03')).toBe(false);
    expect(isReleasable(plans, '2031-03-01', '2031-03-31')).toBe(false);
    expect(isReleasable(plans, '2031-03-04', '2031-03-31')).toBe(true); // no data: zeros reveal no one
  });

  it('pools small days of one week into a publishable week', () => {
    const cells = ['2031-03-03', '2031-03-04', '2031-03-05', '2031-03-06'].map((day) => cell('a', day, people(3)));
    const plans = businessPlans(cells, 'a');
    expect(isReleasable(plans, '2031-03-03', '2031-03-03')).toBe(false);
    expect(isReleasable(plans, '2031-03-03', '2031-03-09')).toBe(true);
    expect(isReleasable(plans, '2031-03-01', '2031-03-31')).toBe(true);
    expect(isReleasable(plans, '2031-03-04', '2031-03-09')).toBe(false); // cuts the pooled atom
  });

  it('counts a person once: the same three people on four days are still three people', () => {
    const three = people(3);
    const cells = ['2031-03-03', '2031-03-04', '2031-03-05', '2031-03-06'].map((day) => cell('a', day, three));
    expect(isReleasable(businessPlans(cells, 'a'), '2031-03-01', '2031-03-31')).toBe(false);
  });
});

describe('release policy: complementary suppression', () => {
  it('hides a big day whose week would otherwise give away a small day (week minus day)', () => {
    const cells = [cell('a', '2031-03-03', people(15)), cell('a', '2031-03-04', people(4))];
    const plans = businessPlans(cells, 'a');
    expect(isReleasable(plans, '2031-03-04', '2031-03-04')).toBe(false);
    expect(isReleasable(plans, '2031-03-03', '2031-03-03')).toBe(false);
    expect(isReleasable(plans, '2031-03-02', '2031-03-08')).toBe(true);
    expect(isReleasable(plans, '2031-03-01', '2031-03-31')).toBe(true);
  });

  it('hides a total whose neighbouring range differs by a small day', () => {
    const cells = [cell('a', '2031-03-03', people(15)), cell('a', '2031-03-10', people(16)), cell('a', '2031-03-17', people(2))];
    const plans = businessPlans(cells, 'a');
    expect(isReleasable(plans, '2031-03-17', '2031-03-17')).toBe(false);
    // 03-17 joined the smallest atom (03-03): no range holds one without the other.
    expect(isReleasable(plans, '2031-03-03', '2031-03-03')).toBe(false);
    expect(isReleasable(plans, '2031-03-03', '2031-03-16')).toBe(false);
    expect(isReleasable(plans, '2031-03-04', '2031-03-17')).toBe(false);
    expect(isReleasable(plans, '2031-03-03', '2031-03-17')).toBe(true);
    expect(isReleasable(plans, '2031-03-10', '2031-03-16')).toBe(true);
  });

  it('hides an overview day that minus the other businesses would give away a small business', () => {
    const cells = [cell('big', '2031-03-03', people(20)), cell('small', '2031-03-03', people(3))];
    expect(isReleasable(businessPlans(cells, 'big'), '2031-03-03', '2031-03-03')).toBe(true);
    expect(isReleasable(overviewPlans(cells), '2031-03-03', '2031-03-03')).toBe(false);
    expect(isReleasable(overviewPlans(cells), '2031-03-01', '2031-03-31')).toBe(false);
  });

  it('pools the remainders of several small businesses into the overview month', () => {
    const cells = ['s1', 's2', 's3', 's4'].map((b, i) => cell(b, `2031-03-0${i + 2}`, people(3)));
    cells.push(cell('big', '2031-03-10', people(12)));
    const plans = overviewPlans(cells);
    expect(isReleasable(plans, '2031-03-01', '2031-03-31')).toBe(true);
    expect(isReleasable(plans, '2031-03-10', '2031-03-10')).toBe(true);
    expect(isReleasable(plans, '2031-03-02', '2031-03-02')).toBe(false);
    expect(isReleasable(businessPlans(cells, 's1'), '2031-03-01', '2031-03-31')).toBe(false);
  });
});

describe('release policy: the overview plan from per-business parts (the incremental rollup)', () => {
  const month = daysIn('2031-03-01', '2031-03-31');
  function randomMonth(seed: number, businesses: string[]): Cell[] {
    let state = seed;
    const rand = () => (state = (state * 16_807) % 2_147_483_647) / 2_147_483_647;
    return businesses.flatMap((b) =>
      month.filter(() => rand() < 0.4).map((day) => cell(b, day, Array.from({ length: Math.floor(rand() * 14) }, () => Math.floor(rand() * 80)))),
    );
  }
  const partsOf = (cells: Cell[]) => new Map([...new Set(cells.map((c) => c.businessId))].map((b) => [b, overviewPartOf(cells.filter((c) => c.businessId === b), K)]));

  it.each([11, 12, 13, 14])('replanning only the business whose days changed gives the plan of every day (data set %i)', (seed) => {
    const before = randomMonth(seed, ['b1', 'b2', 'b3', 'b4', 'b5']);
    // b3 gets new days and people; the other businesses' parts are kept as stored (a JSON round trip).
    const after = [...before.filter((c) => c.businessId !== 'b3'), ...randomMonth(seed + 1, ['b3'])];
    const stored = new Map([...partsOf(before)].map(([b, part]) => [b, JSON.parse(JSON.stringify(part)) as OverviewPart]));
    stored.set('b3', overviewPartOf(after.filter((c) => c.businessId === 'b3'), K));
    const full = planOverviewMonth(after, K);
    expect(combineOverviewParts([...stored.values()].reverse(), K)).toEqual(full);
    expect(full).not.toEqual(planOverviewMonth(before, K));
  });

  it("keeps a business's remainder to its positions below k, and blocks remainders that stay small together", () => {
    const small = [cell('s1', '2031-03-02', [1, 2, 3]), cell('s1', '2031-03-20', [3, 4])];
    const part = overviewPartOf(small, K);
    expect(part).toEqual({ spanningAtoms: [], remainder: { mask: (1 << 1) | (1 << 19), people: [1, 2, 3, 4] } });
    expect(combineOverviewParts([part, overviewPartOf([cell('s2', '2031-03-05', [4, 5])], K)], K)).toEqual({ spanningAtoms: [], blocked: (1 << 1) | (1 << 4) | (1 << 19) });
    expect(combineOverviewParts([part, overviewPartOf([cell('s2', '2031-03-05', [5, 6, 7, 8, 9, 10])], K)], K)).toEqual({ spanningAtoms: [(1 << 1) | (1 << 4) | (1 << 19)], blocked: 0 });
  });

  it('refuses the days of two businesses or two months as one part', () => {
    expect(() => overviewPartOf([cell('a', '2031-03-02', [1]), cell('b', '2031-03-02', [2])], K)).toThrow();
    expect(() => overviewPartOf([cell('a', '2031-03-02', [1]), cell('a', '2031-04-02', [2])], K)).toThrow();
  });
});

/**
 * The proof by brute force: random data over two months for several
 * businesses; every figure any query can publish (each business and the
 * overview, each granularity, every range) becomes a row over the
 * business-days it sums. No group of fewer than k people may lie in the span of
 * those rows, i.e. no combination of published figures adds up to it.
 */
describe('release policy: no combination of published figures reveals a small group', () => {
  const P = 2_147_483_647n; // a prime: rank and span over GF(p) (exact for these 0/1 systems)
  const window = daysIn('2031-03-24', '2031-04-09'); // crosses a month and three week boundaries

  function span(rows: bigint[][]) {
    const basis: { pivot: number; row: bigint[] }[] = [];
    const reduce = (vector: bigint[]) => {
      const v = [...vector];
      for (const { pivot, row } of basis) {
        if (v[pivot] === 0n) continue;
        const factor = v[pivot]!;
        for (let i = 0; i < v.length; i++) v[i] = (((v[i]! - factor * row[i]!) % P) + P) % P;
      }
      return v;
    };
    const pow = (b: bigint, e: bigint): bigint => (e === 0n ? 1n : e % 2n ? (b * pow(b, e - 1n)) % P : pow((b * b) % P, e / 2n));
    for (const row of rows) {
      const v = reduce(row);
      const pivot = v.findIndex((x) => x !== 0n);
      if (pivot < 0) continue;
      const inverse = pow(v[pivot]!, P - 2n);
      basis.push({ pivot, row: v.map((x) => (x * inverse) % P) });
    }
    return { contains: (vector: bigint[]) => reduce(vector).every((x) => x === 0n) };
  }

  function random(seed: number) {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
  }

  // Planned from the sets as stored, and from the sets as the services read them (at most k positions a day).
  it.each([1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) => [[seed, 'whole'] as const, [seed, 'read at k positions'] as const]))('holds for random data set %i, sets %s', (seed, sets) => {
    const rand = random(seed * 7919);
    const businesses = ['b1', 'b2', 'b3', 'b4'];
    const population = Array.from({ length: 60 }, (_, i) => i);
    const cells: Cell[] = [];
    for (const businessId of businesses) {
      const size = rand();
      for (const day of window) {
        if (rand() < 0.35) continue;
        const n = Math.floor(rand() * (size < 0.3 ? 5 : size < 0.7 ? 12 : 25));
        const persons = [...new Set(Array.from({ length: n }, () => population[Math.floor(rand() * population.length)]!))];
        cells.push(cell(businessId, day, persons, persons.length > 0 || rand() < 0.5));
      }
    }
    const withData = cells.filter((c) => c.hasData);
    const column = new Map(withData.map((c, i) => [`${c.businessId}|${c.day}`, i]));
    const rowOf = (businessIds: string[], from: string, to: string) => {
      const row = new Array<bigint>(withData.length).fill(0n);
      for (const c of withData) if (businessIds.includes(c.businessId) && c.day >= from && c.day <= to) row[column.get(`${c.businessId}|${c.day}`)!] = 1n;
      return row;
    };
    const peopleOf = (businessIds: string[], from: string, to: string) =>
      new Set(withData.filter((c) => businessIds.includes(c.businessId) && c.day >= from && c.day <= to).flatMap((c) => c.people)).size;

    const planned = sets === 'whole' ? cells : cells.map((c) => ({ ...c, people: c.people.slice(0, K) }));
    const scopes = [...businesses.map((b) => ({ ids: [b], plans: businessPlans(planned, b) })), { ids: businesses, plans: overviewPlans(planned) }];
    const published: bigint[][] = [];
    let publishedCount = 0;
    const first = window[0]!;
    const last = window[window.length - 1]!;
    for (const scope of scopes) {
      for (const from of window) {
        for (const to of window.filter((d) => d >= from)) {
          if (isReleasable(scope.plans, from, to)) {
            published.push(rowOf(scope.ids, from, to));
            publishedCount++;
          }
        }
      }
      for (const granularity of ['week', 'month'] as Granularity[]) {
        for (const period of periodsIn('2031-03-01', '2031-04-30', granularity)) {
          if (isReleasable(scope.plans, period.start, period.end)) published.push(rowOf(scope.ids, period.start, period.end));
        }
      }
    }
    const audit = span(published);

    // Every group of fewer than k people with data: canonical groups, and unions of small days.
    const groups: { what: string; row: bigint[] }[] = [];
    for (const scope of scopes) {
      for (const granularity of ['day', 'week', 'month'] as Granularity[]) {
        for (const period of periodsIn(first, last, granularity)) {
          const row = rowOf(scope.ids, period.start, period.end);
          const n = peopleOf(scope.ids, period.start, period.end);
          if (n < K && row.some((x) => x === 1n)) groups.push({ what: `${scope.ids.join('+')} ${period.start}..${period.end}`, row });
        }
      }
    }
    const smallCells = withData.filter((c) => c.people.length < K);
    for (let i = 0; i < 40 && smallCells.length > 1; i++) {
      const picked = smallCells.filter(() => rand() < 0.3);
      const n = new Set(picked.flatMap((c) => c.people)).size;
      if (picked.length === 0 || n >= K) continue;
      const row = new Array<bigint>(withData.length).fill(0n);
      for (const c of picked) row[column.get(`${c.businessId}|${c.day}`)!] = 1n;
      groups.push({ what: `union of ${picked.length} small days`, row });
    }

    expect(groups.length).toBeGreaterThan(0);
    expect(publishedCount).toBeGreaterThan(0);
    const revealed = groups.filter((g) => audit.contains(g.row)).map((g) => g.what);
    expect(revealed).toEqual([]);
  });
});
