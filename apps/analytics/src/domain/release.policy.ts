import type { Cell } from './aggregates.types';
import { dayOfMonth, daysIn, monthEnd, monthOf, monthStart, monthsIn, weekStart } from './calendar';
import { peopleInUnion } from './people-sketch';

/**
 * Which figures may be published (A2): small-group suppression with
 * complementary suppression that holds across every query at once.
 *
 * The data of a month is cut into ATOMS: disjoint sets of business-days, each
 * with at least k distinct people (by the people sketch, a lower bound). A
 * figure (a bucket, a total, an overview bucket, at any granularity, over any
 * range) is published only when every business-day with data that it covers
 * belongs to an atom lying entirely inside it; then the figure is a sum of whole
 * atoms. Every published number, and so every sum or difference of published
 * numbers from any mix of queries, is a combination of atom sums, and nothing
 * finer than an atom (k people or more) can ever be recovered by subtraction.
 * Days without data are no one's data: they are published as zeros.
 *
 * Atoms of one business, per month (deterministic, so every query sees the same):
 *   1. a day with k people or more is an atom on its own;
 *   2. the remaining small days of one ISO week (clipped to the month) form an
 *      atom if together they have k people; otherwise they join the smallest
 *      big-day atom of that week (which keeps the week publishable);
 *   3. small days left in the month form an atom if together they reach k;
 *      otherwise they join the smallest atom of the month (preferring one in a
 *      week they already touch), or, when the business has no atom that month,
 *      are that business's remainder, never published at business level.
 * Across businesses (overview only): the remainders of every business in the
 * month form one more atom if they reach k; if not, their days are blocked in
 * the overview too.
 *
 * Atoms never cross a month, so each month is planned on its own, and a plan
 * needs only that month's business-days (the overview's plan is kept ready by
 * the rollup; a business's is computed when read).
 */

/** The publishable structure of one month in one scope (a business, or the overview). */
export interface MonthPlan {
  /** Day masks (bit d-1 = day d) of the atoms that span more than one day. */
  spanningAtoms: number[];
  /** Days holding data that belongs to no atom of this scope. */
  blocked: number;
}

interface Atom {
  mask: number;
  people: Set<number>;
  weeks: Set<string>;
}

const bit = (day: string) => 1 << (dayOfMonth(day) - 1);
const maskOf = (cells: readonly Cell[]) => cells.reduce((mask, cell) => mask | bit(cell.day), 0);
const bitCount = (mask: number) => {
  let count = 0;
  for (let m = mask >>> 0; m; m &= m - 1) count++;
  return count;
};

function atomOf(cells: readonly Cell[]): Atom {
  return { mask: maskOf(cells), people: new Set(cells.flatMap((c) => c.people)), weeks: new Set(cells.map((c) => weekStart(c.day))) };
}

function merge(into: Atom, cells: readonly Cell[]): void {
  into.mask |= maskOf(cells);
  for (const cell of cells) {
    for (const position of cell.people) into.people.add(position);
    into.weeks.add(weekStart(cell.day));
  }
}

/**
 * The smallest atom (fewest people, then earliest days): the one whose loss costs least.
 * Days are read with at most k positions (a day with k is an atom alone whatever else it
 * holds), so big days tie here and the earliest wins: any choice keeps every atom at k.
 */
function smallest(atoms: readonly Atom[]): Atom | undefined {
  return [...atoms].sort((a, b) => a.people.size - b.people.size || (a.mask >>> 0) - (b.mask >>> 0))[0];
}

/** Steps 1–3 for one business's days of one month. */
function atomsOfBusinessMonth(cells: readonly Cell[], k: number): { atoms: Atom[]; remainder: Cell[] } {
  const withData = cells.filter((c) => c.hasData).sort((a, b) => a.day.localeCompare(b.day));
  const atoms: Atom[] = [];
  const small: Cell[] = [];
  for (const cell of withData) {
    if (peopleInUnion([cell.people]) >= k) atoms.push(atomOf([cell]));
    else small.push(cell);
  }

  const leftover: Cell[] = [];
  const weeks = [...new Set(small.map((c) => weekStart(c.day)))].sort();
  for (const week of weeks) {
    const pool = small.filter((c) => weekStart(c.day) === week);
    if (peopleInUnion(pool.map((c) => c.people)) >= k) {
      atoms.push(atomOf(pool));
      continue;
    }
    const host = smallest(atoms.filter((a) => a.weeks.size === 1 && a.weeks.has(week)));
    if (host) merge(host, pool);
    else leftover.push(...pool);
  }

  if (leftover.length === 0) return { atoms, remainder: [] };
  if (peopleInUnion(leftover.map((c) => c.people)) >= k) return { atoms: [...atoms, atomOf(leftover)], remainder: [] };
  const touched = new Set(leftover.map((c) => weekStart(c.day)));
  const host = smallest(atoms.filter((a) => [...a.weeks].some((w) => touched.has(w)))) ?? smallest(atoms);
  if (!host) return { atoms, remainder: leftover };
  merge(host, leftover);
  return { atoms, remainder: [] };
}

/** The distinct masks of more than one day, in order (an atom of one day constrains nothing). */
const spanningMasks = (masks: readonly number[]) => [...new Set(masks.map((mask) => mask >>> 0).filter((mask) => bitCount(mask) > 1))].sort((a, b) => a - b);
const spanning = (atoms: readonly Atom[]) => spanningMasks(atoms.map((a) => a.mask));

function assertOneMonth(cells: readonly Cell[]): void {
  if (new Set(cells.map((c) => monthOf(c.day))).size > 1) throw new Error('a month plan takes the days of one month');
}

/** The plan of one business's month, as the business endpoint publishes it. */
export function planBusinessMonth(cells: readonly Cell[], k: number): MonthPlan {
  assertOneMonth(cells);
  if (new Set(cells.map((c) => c.businessId)).size > 1) throw new Error('a business plan takes the days of one business');
  const { atoms, remainder } = atomsOfBusinessMonth(cells, k);
  return { spanningAtoms: spanning(atoms), blocked: maskOf(remainder) >>> 0 };
}

/**
 * What one business's days of a month bring to the overview's plan: its atoms
 * that span several days, and its remainder (the days that are no atom of the
 * business, with their people). The overview's plan is a function of these
 * parts alone, so the rollup replans only the businesses whose days changed.
 */
export interface OverviewPart {
  spanningAtoms: number[];
  remainder: { mask: number; people: number[] };
}

/** One business's part of the overview plan of a month (its days of that month). */
export function overviewPartOf(cells: readonly Cell[], k: number): OverviewPart {
  assertOneMonth(cells);
  if (new Set(cells.map((c) => c.businessId)).size > 1) throw new Error('an overview part takes the days of one business');
  const { atoms, remainder } = atomsOfBusinessMonth(cells, k);
  // Below k people by construction (else it would be an atom): a handful of positions.
  const people = [...new Set(remainder.flatMap((c) => c.people))].sort((a, b) => a - b);
  return { spanningAtoms: spanning(atoms), remainder: { mask: maskOf(remainder) >>> 0, people } };
}

/**
 * The plan of one month over every business, from each business's part: every
 * business's atoms, plus the remainders of all of them as one more atom if
 * together they reach k; if not, their days are blocked.
 */
export function combineOverviewParts(parts: Iterable<OverviewPart>, k: number): MonthPlan {
  const masks: number[] = [];
  let remainderMask = 0;
  const remainderPeople: number[][] = [];
  for (const part of parts) {
    masks.push(...part.spanningAtoms);
    remainderMask |= part.remainder.mask;
    remainderPeople.push(part.remainder.people);
  }
  let blocked = 0;
  if (remainderMask !== 0) {
    if (peopleInUnion(remainderPeople) >= k) masks.push(remainderMask);
    else blocked = remainderMask;
  }
  return { spanningAtoms: spanningMasks(masks), blocked: blocked >>> 0 };
}

/** The plan of one month over every business, as the overview publishes it. */
export function planOverviewMonth(cells: readonly Cell[], k: number): MonthPlan {
  assertOneMonth(cells);
  const byBusiness = new Map<string, Cell[]>();
  for (const cell of cells) {
    const own = byBusiness.get(cell.businessId);
    if (own) own.push(cell);
    else byBusiness.set(cell.businessId, [cell]);
  }
  return combineOverviewParts(
    [...byBusiness.values()].map((own) => overviewPartOf(own, k)),
    k,
  );
}

/** Whether a set of days of one month (a mask) is a union of whole atoms and free of blocked days. */
export function isReleasableMask(plan: MonthPlan, mask: number): boolean {
  if ((plan.blocked & mask) !== 0) return false;
  return plan.spanningAtoms.every((atom) => (atom & mask) === 0 || (atom & ~mask) === 0);
}

/** Whether the figures of the days `from`..`to` (any range, any months) may be published. Months without a plan hold no data. */
export function isReleasable(plans: ReadonlyMap<string, MonthPlan>, from: string, to: string): boolean {
  return monthsIn(from, to).every((month) => {
    const plan = plans.get(month);
    if (!plan) return true;
    const first = monthStart(`${month}-01`) > from ? `${month}-01` : from;
    const last = monthEnd(`${month}-01`) < to ? monthEnd(`${month}-01`) : to;
    return isReleasableMask(plan, daysIn(first, last).reduce((mask, day) => mask | bit(day), 0));
  });
}
