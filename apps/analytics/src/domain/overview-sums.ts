import { addCounts, emptyCounts, type Counts } from './aggregates.types';

/**
 * The overview month's sums per day, kept by folding business parts in and out:
 * when a business's part is built again, its previous part is taken out of the
 * sums and the new one added, so the rollup reads again only the businesses
 * that changed, never every business of the month.
 *
 * `folded` says which part of each business the sums hold (by the part's
 * `revs`): a part is taken out only if it is that very part. When it is not at
 * hand (a rebuild of another instance got in between), the caller sums every
 * part instead (sumParts).
 */
export interface MonthSums {
  countsByDay: Map<string, Counts>;
  /** Per business: the `revs` of its part held in the sums. */
  folded: Map<string, number>;
}

/** A business part's sums per day, with the revisions it was built from. */
export interface PartCounts {
  businessId: string;
  revs: number;
  countsByDay: ReadonlyMap<string, Counts>;
}

function addDays(into: Map<string, Counts>, countsByDay: ReadonlyMap<string, Counts>, sign: 1 | -1): void {
  for (const [day, counts] of countsByDay) {
    const signed: Counts = sign === 1 ? counts : { counters: negate(counts.counters), custom: negate(counts.custom) };
    into.set(day, addCounts(into.get(day) ?? emptyCounts(), signed));
  }
}

function negate<T extends Partial<Record<string, number>>>(values: T): T {
  const negated: Partial<Record<string, number>> = {};
  for (const [key, value] of Object.entries(values)) negated[key] = -(value ?? 0);
  return negated as T;
}

function cloneDays(countsByDay: ReadonlyMap<string, Counts>): Map<string, Counts> {
  return new Map([...countsByDay].map(([day, counts]) => [day, addCounts(emptyCounts(), counts)]));
}

/** The sums of the given parts (one per business), from nothing. */
export function sumParts(parts: Iterable<PartCounts>): MonthSums {
  const sums: MonthSums = { countsByDay: new Map(), folded: new Map() };
  for (const part of parts) {
    addDays(sums.countsByDay, part.countsByDay, 1);
    sums.folded.set(part.businessId, part.revs);
  }
  return sums;
}

/**
 * The sums once every business holds its current part (`current`: business →
 * revs of its part now), with the parts at hand to take out and add (the
 * previous parts of the businesses that changed, and their new ones).
 * Undefined when a part to take out or to add is not at hand, or when the sums
 * hold a business that has no part now: then sum every part from nothing.
 */
export function refoldSums(sums: MonthSums, current: ReadonlyMap<string, number>, atHand: readonly PartCounts[]): MonthSums | undefined {
  const find = (businessId: string, revs: number) => atHand.find((p) => p.businessId === businessId && p.revs === revs);
  if ([...sums.folded.keys()].some((businessId) => !current.has(businessId))) return undefined;
  const next: MonthSums = { countsByDay: cloneDays(sums.countsByDay), folded: new Map(sums.folded) };
  for (const [businessId, revs] of current) {
    const held = sums.folded.get(businessId);
    if (held === revs) continue;
    const now = find(businessId, revs);
    const before = held === undefined ? undefined : find(businessId, held);
    if (!now || (held !== undefined && !before)) return undefined;
    if (before) addDays(next.countsByDay, before.countsByDay, -1);
    addDays(next.countsByDay, now.countsByDay, 1);
    next.folded.set(businessId, revs);
  }
  return next;
}
