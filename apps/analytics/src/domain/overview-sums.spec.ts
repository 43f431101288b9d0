import type { Counts } from './aggregates.types';
import { refoldSums, sumParts, type PartCounts } from './overview-sums';

const counts = (requested: number, answered: number, custom: Record<string, number> = {}): Counts => ({
  counters: { 'feedback.requested': requested, 'feedback.answered': answered },
  custom,
});
const part = (businessId: string, revs: number, days: Record<string, Counts>): PartCounts => ({ businessId, revs, countsByDay: new Map(Object.entries(days)) });
const plain = (countsByDay: Map<string, Counts>) => Object.fromEntries([...countsByDay].map(([day, c]) => [day, c]));

describe('overview sums: folding business parts in and out', () => {
  const a1 = part('a', 3, { '2031-03-03': counts(4, 2, { Fast: 1 }), '2031-03-04': counts(1, 0) });
  const b1 = part('b', 5, { '2031-03-03': counts(10, 7) });
  const sums = sumParts([a1, b1]);

  it('sums every part from nothing, remembering which part of each business it holds', () => {
    expect(plain(sums.countsByDay)).toEqual({ '2031-03-03': counts(14, 9, { Fast: 1 }), '2031-03-04': counts(1, 0) });
    expect([...sums.folded]).toEqual([
      ['a', 3],
      ['b', 5],
    ]);
  });

  it('takes a changed business out and puts its new part in, leaves the others, and adds a new business: the same as summing every part', () => {
    const a2 = part('a', 7, { '2031-03-03': counts(6, 3, { Fast: 1, Slow: 2 }), '2031-03-04': counts(1, 1), '2031-03-05': counts(2, 0) });
    const c1 = part('c', 1, { '2031-03-05': counts(3, 3) });
    const next = refoldSums(
      sums,
      new Map([
        ['a', 7],
        ['b', 5],
        ['c', 1],
      ]),
      [a1, a2, c1],
    );
    expect(next).toBeDefined();
    const fromNothing = sumParts([a2, b1, c1]);
    expect(plain(next!.countsByDay)).toEqual(plain(fromNothing.countsByDay));
    expect(next!.folded).toEqual(fromNothing.folded);
    // The sums it started from are left as they were.
    expect(plain(sums.countsByDay)['2031-03-03']).toEqual(counts(14, 9, { Fast: 1 }));
  });

  it('changes nothing when every business holds its current part', () => {
    const next = refoldSums(sums, new Map(sums.folded), []);
    expect(plain(next!.countsByDay)).toEqual(plain(sums.countsByDay));
  });

  it('gives up (sum every part instead) when the part the sums hold, or the new one, is not at hand, or a business held has no part now', () => {
    const a2 = part('a', 7, { '2031-03-03': counts(6, 3) });
    const current = new Map([
      ['a', 7],
      ['b', 5],
    ]);
    // The stored part is already a later one than the sums hold (another instance rebuilt it meanwhile).
    expect(refoldSums(sums, current, [a2])).toBeUndefined();
    expect(refoldSums(sums, current, [a1])).toBeUndefined();
    expect(refoldSums(sums, new Map([['a', 3]]), [])).toBeUndefined();
  });
});
