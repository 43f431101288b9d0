import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { createHash, randomUUID } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { isDuplicateKeyError, saveLatest, type EventVersion } from '@feedback/persistence';
import { isCounterKey, type Cell, type CounterKey, type Counts } from '../../../domain/aggregates.types';
import { monthOf } from '../../../domain/calendar';
import type { Contribution } from '../../../domain/contribution.policy';
import { STORED_POSITIONS_CAP } from '../../../domain/people-sketch';
import type { MonthSums, PartCounts } from '../../../domain/overview-sums';
import type { MonthPlan, OverviewPart } from '../../../domain/release.policy';
import { addToDayCounts, type DayIncrement, type StoredDayCounts } from './day-counts';
import { planDayWrite, type DayGuardState, type DayWritePlan } from './day-guard';
import { WrittenDays } from './written-days';
import { APPLIED_BATCHES, APPLIED_EVENTS, BUSINESS_DAYS, BUSINESS_NAMES, OVERVIEW_MONTHS, OVERVIEW_PARTS } from './aggregates.schema';

interface BusinessDayDoc {
  _id: string;
  businessId: string;
  day: string;
  month: string;
  c?: Record<string, unknown>;
  custom?: Record<string, number>;
  labels?: Record<string, string>;
  people?: number[];
  /** Set once `people` holds STORED_POSITIONS_CAP positions. */
  peopleFull?: boolean;
  pending?: string[];
  /** Bumped by every counting write: the compare-and-set of day-guard.ts. */
  rev?: number;
}
/** The record of a counting batch: the ids of the events whose contribution it stored. */
interface AppliedBatchDoc {
  _id: string;
  ids: string[];
  appliedAt: Date;
}
/** A record of one event, as written before the batch records (read only). */
interface AppliedEventDoc {
  _id: string;
}
/** A day's sums as the rollup stores them: counters as [key, count] pairs, custom counts as [label, count] pairs. */
type StoredCountsByDay = Record<string, { counters: [string, number][]; custom: [string, number][] }>;
interface OverviewMonthDoc {
  _id: string;
  version: number;
  dirty: boolean;
  builtVersion?: number;
  builtAt?: Date;
  k?: number;
  days?: StoredCountsByDay;
  plan?: MonthPlan;
  /** Which part of each business `days` holds, as [businessId, revs] (overview-sums.ts); absent before parts were kept. */
  folded?: [string, number][];
  /** Bumped by every save of `days`: the compare-and-set that keeps two rollups from folding into the same sums. */
  foldRev?: number;
}
interface OverviewPartDoc {
  _id: string;
  month: string;
  businessId: string;
  revs: number;
  k: number;
  days: StoredCountsByDay;
  part: OverviewPart;
}
interface BusinessNameDoc {
  _id: string;
  name: string;
}

/** A business-day as read back: its counts and its cell for the release policy. */
export interface StoredDay {
  cell: Cell;
  counts: Counts;
  /** Counting writes made to the day so far (0 before the first). */
  rev: number;
}

/** The overview of one month as the rollup last built it. */
export interface OverviewMonth {
  month: string;
  k: number;
  countsByDay: Map<string, Counts>;
  plan: MonthPlan;
}

/** One business's part of the month's release plan, and what it was built from (see `overview_parts` in the schema). */
export interface OverviewPartPlan {
  businessId: string;
  /** The sum of the `rev` of the business-days it was built from. */
  revs: number;
  k: number;
  part: OverviewPart;
}

/** One business's share of a month of the overview: its plan part and its sums per day. */
export interface OverviewBusinessPart extends OverviewPartPlan, PartCounts {
  month: string;
}

/** The month's sums as last saved, with the compare-and-set value to save the next ones against. */
export interface SavedMonthSums extends MonthSums {
  foldRev: number | null;
}

function toStoredCounts(countsByDay: ReadonlyMap<string, Counts>): StoredCountsByDay {
  return Object.fromEntries([...countsByDay].map(([day, counts]) => [day, { counters: Object.entries(counts.counters), custom: Object.entries(counts.custom) }]));
}

function fromStoredCounts(days: StoredCountsByDay): Map<string, Counts> {
  const countsByDay = new Map<string, Counts>();
  for (const [day, stored] of Object.entries(days)) {
    const counters: Partial<Record<CounterKey, number>> = {};
    for (const [key, count] of stored.counters) if (isCounterKey(key)) counters[key] = count;
    countsByDay.set(day, { counters, custom: Object.fromEntries(stored.custom) });
  }
  return countsByDay;
}

const cellId = (businessId: string, day: string) => `${day}|${businessId}`;
/** Labels are text a business chose: stored as values, keyed by a hash (a label may hold '.' or '$'). */
const labelKey = (label: string) => createHash('sha256').update(label, 'utf8').digest('base64url').slice(0, 22);

function flattenCounters(node: unknown, prefix = '', into: Partial<Record<CounterKey, number>> = {}): Partial<Record<CounterKey, number>> {
  if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (typeof value === 'number') {
        if (isCounterKey(path)) into[path] = value;
      } else flattenCounters(value, path, into);
    }
  }
  return into;
}

/**
 * A day as a release plan with threshold k reads it: its counts, without its
 * guard, and with at most k of its people positions. A day with k positions or
 * more is an atom alone whatever else it holds, and the days with fewer come
 * whole, so every atom is the same k-people lower bound (release.policy.ts),
 * while a read at a million events no longer carries a full set (up to 2 x 256
 * positions) per day. Two limits of the local store (mongo-java-server) shape
 * it: it refuses $slice beside an exclusion, hence the fields named; and a
 * $slice of a field a document lacks breaks its encoder (the connection is
 * closed), hence every day is made with an empty set, and days made before
 * get one when the service starts (giveEveryDayAPeopleSet).
 */
const dayProjection = (k: number) => ({ businessId: 1, day: 1, c: 1, custom: 1, labels: 1, rev: 1, people: { $slice: k } });

/** Groups a batch's events by business-day, in batch order. */
function cellBatches(events: readonly EventContribution[]): CellBatch[] {
  const cells = new Map<string, CellBatch>();
  for (const event of events) {
    const { businessId, day } = event.contribution;
    const id = cellId(businessId, day);
    const cell = cells.get(id) ?? { id, where: { businessId, day, month: monthOf(day) }, events: [] };
    cell.events.push(event);
    cells.set(id, cell);
  }
  return [...cells.values()];
}

/**
 * The one write that adds a day's events: the counts read with the guard plus
 * theirs, set whole (day-counts.ts), and the union of their sketch positions
 * (unless the day already keeps the cap), made against the `rev` the plan was
 * read at, and setting the day's new `pending`.
 */
function incrementWrite(cell: CellBatch, plan: DayWritePlan<EventContribution>, state: CellState | undefined): DayWrite {
  const increment = { counters: [] as string[], custom: [] as DayIncrement['custom'][number][] };
  const people = new Set<number>();
  for (const { contribution } of plan.increment) {
    increment.counters.push(...contribution.counters);
    for (const { label, by } of contribution.customLabels) increment.custom.push({ key: labelKey(label), label, by });
    for (const position of contribution.people) people.add(position);
  }
  // A full day takes no more; one write adds at most the cap, so a day never holds much more than it.
  const positions = state?.peopleFull ? [] : [...people].slice(0, STORED_POSITIONS_CAP);
  const counts = addToDayCounts(state?.counts ?? {}, increment);
  const after: CellState = {
    rev: (state?.rev ?? 0) + 1,
    pending: new Set(plan.pending),
    peopleFull: state?.peopleFull ?? false,
    counts: { ...state?.counts, ...counts },
  };
  return {
    after,
    operation: {
      updateOne: {
        // null matches a day never written by this scheme (no `rev` yet).
        filter: { _id: cell.id, rev: (state?.rev ?? null) as never },
        update: {
          $inc: { rev: 1 },
          $set: { pending: plan.pending, ...counts },
          ...(positions.length > 0 ? { $addToSet: { people: { $each: positions } } } : {}),
        } as never,
      },
    },
  };
}

/** A day's counting write, and the state it leaves the day in. */
interface DayWrite {
  operation: AnyBulkWriteOperation<BusinessDayDoc>;
  after: CellState;
}

function toStoredDay(doc: BusinessDayDoc): StoredDay {
  const counters = flattenCounters(doc.c);
  const custom: Record<string, number> = {};
  for (const [key, count] of Object.entries(doc.custom ?? {})) {
    const label = doc.labels?.[key];
    if (label !== undefined) custom[label] = count;
  }
  const hasData = Object.values(counters).some((v) => v !== 0) || Object.keys(custom).length > 0;
  return { cell: { businessId: doc.businessId, day: doc.day, hasData, people: doc.people ?? [] }, counts: { counters, custom }, rev: doc.rev ?? 0 };
}

/** One counted event's contribution, keyed by the event id that makes counting it idempotent. */
export interface EventContribution {
  eventId: string;
  contribution: Contribution;
}

/** The events of one business-day in a batch, merged into one update. */
interface CellBatch {
  id: string;
  where: { businessId: string; day: string; month: string };
  events: EventContribution[];
}

/** What a batch reads of a stored day before writing it. */
interface CellState extends DayGuardState {
  /** The day keeps the cap of people positions (its `peopleFull` flag). */
  peopleFull: boolean;
  /** Its counts as read with the guard: the write sets them plus the batch's. */
  counts: StoredDayCounts;
  /** Ids in `pending` known to be recorded as applied (`applied_batches`, by this process): not looked up again. */
  recordedPending?: ReadonlySet<string>;
}

/**
 * Days remembered as this process last wrote them (written-days.ts), a KB or two each: more than
 * the days a busy hour touches (the bench spreads its events over 50 businesses x 28 days), bounded
 * for the memory goal (analytics peaked at 236-242 MB in the pipeline with 5,000).
 */
const REMEMBERED_DAYS = 2000;

/**
 * The aggregates: one document per business and UTC day, updated in place.
 *
 * Counting is idempotent on the event id without keeping every event id next
 * to the counts: each day of a batch gets one compare-and-set write that adds
 * the events neither recorded as applied (`applied_batches`) nor pending on the day, and
 * leaves their ids pending until the next write of the day, which finds them
 * recorded and takes them off (day-guard.ts). A crash at any point is repaired
 * by the redelivery: before the record, `pending` refuses the second increment;
 * after it, the record does. A batch costs a handful of round trips whatever
 * its size, and one write per day it touches. The days this process wrote
 * last are not read back (written-days.ts): their compare-and-set tells when
 * another writer changed them, and so does every other change to a day's
 * guard, counts or `peopleFull` flag, which bumps its `rev` too.
 */
@Injectable()
export class AggregatesRepository {
  constructor(
    @InjectModel(BUSINESS_DAYS) private readonly days: Model<BusinessDayDoc>,
    @InjectModel(APPLIED_BATCHES) private readonly appliedBatches: Model<AppliedBatchDoc>,
    @InjectModel(APPLIED_EVENTS) private readonly appliedEvents: Model<AppliedEventDoc>,
    @InjectModel(OVERVIEW_MONTHS) private readonly overview: Model<OverviewMonthDoc>,
    @InjectModel(OVERVIEW_PARTS) private readonly parts: Model<OverviewPartDoc>,
    @InjectModel(BUSINESS_NAMES) private readonly names: Model<BusinessNameDoc>,
  ) {}

  private readonly knownMonths = new Set<string>();
  /** The state of the days this process wrote last, so a batch reads back only the others. */
  private readonly written = new WrittenDays<CellState>(REMEMBERED_DAYS);

  /** The driver's collections, typed with string ids, for the guarded writes. */
  private get dayCollection() {
    return this.days.collection as unknown as Collection<BusinessDayDoc>;
  }
  private get batchRecords() {
    return this.appliedBatches.collection as unknown as Collection<AppliedBatchDoc>;
  }
  private get eventRecords() {
    return this.appliedEvents.collection as unknown as Collection<AppliedEventDoc>;
  }
  private get overviewCollection() {
    return this.overview.collection as unknown as Collection<OverviewMonthDoc>;
  }
  private get partCollection() {
    return this.parts.collection as unknown as Collection<OverviewPartDoc>;
  }

  /** Adds the contributions of many events, each once. Returns the ids counted now (not counted before). */
  async applyMany(events: readonly EventContribution[]): Promise<Set<string>> {
    const counted = new Set<string>();
    if (events.length === 0) return counted;
    const records: string[] = [];
    const written = new Map<string, CellState>();
    const batches = cellBatches(events);
    try {
      // Days whose write lost its compare-and-set to another consumer are planned again from a fresh read.
      for (let cells = batches; cells.length > 0; ) cells = await this.applyCells(cells, counted, records, written);
      // Independent of each other once the counts are written: one round trip for the three, not three.
      await Promise.all([
        records.length > 0 ? this.batchRecords.insertOne({ _id: randomUUID(), ids: records, appliedAt: new Date() }) : undefined,
        this.finish(batches),
      ]);
    } catch (error) {
      this.written.forget(batches.map((c) => c.id));
      throw error;
    }
    // Every record is stored now: the ids a day holds pending that are among them need no lookup next time.
    const recordedNow = new Set(records);
    for (const [dayId, state] of written) this.written.remember(dayId, { ...state, recordedPending: new Set([...state.pending].filter((id) => recordedNow.has(id))) });
    return counted;
  }

  /**
   * One read-plan-write round over the given days; returns the days whose write
   * must be tried again, and adds the ids of the events written to `records`
   * (the caller records them: until then the days' `pending` guards them).
   */
  private async applyCells(cells: CellBatch[], counted: Set<string>, records: string[], written: Map<string, CellState>): Promise<CellBatch[]> {
    const states = await this.cellStates(cells.map((c) => c.id));
    const knownRecorded = [...states.values()].flatMap((s) => [...(s.recordedPending ?? [])]);
    const unknownPending = [...states.values()].flatMap((s) => [...s.pending].filter((id) => !s.recordedPending?.has(id)));
    // The records must be read after the states (a record older than the state it is planned with could let an
    // event that was counted and taken off `pending` meanwhile be counted again); making missing days need not wait.
    const [recordedNow] = await Promise.all([
      this.recordedAmong([...cells.flatMap((c) => c.events.map((e) => e.eventId)), ...unknownPending]),
      // The guarded writes below never upsert: two consumers upserting the same new day could lose an increment.
      // Made with an empty set of positions: see dayProjection.
      this.ensureExist(this.dayCollection, cells.filter((c) => !states.has(c.id)).map((c) => ({ _id: c.id, ...c.where, people: [] }))),
    ]);
    const recorded = new Set([...recordedNow, ...knownRecorded]);
    const plans = cells.map((cell) => ({ cell, plan: planDayWrite(cell.events, states.get(cell.id), recorded) }));
    const writes = plans.filter(({ plan }) => plan.increment.length > 0).map(({ cell, plan }) => ({ cell, plan, write: incrementWrite(cell, plan, states.get(cell.id)) }));
    const lost = new Set<string>();
    if (writes.length > 0) {
      const result = await this.dayCollection.bulkWrite(
        writes.map(({ write }) => write.operation),
        { ordered: false },
      );
      if (result.matchedCount < writes.length) {
        // Some day changed since it was read (or remembered). A day whose pending now holds every id this
        // write added was written (by this write, or by a concurrent redelivery of the same events).
        const after = await this.cellStates(writes.map((w) => w.cell.id), { fresh: true });
        for (const { cell, plan } of writes) if (!plan.increment.every((e) => after.get(cell.id)?.pending.has(e.eventId))) lost.add(cell.id);
        // Whatever state those days are in, it is not one this process knows.
        this.written.forget(writes.map((w) => w.cell.id));
      } else for (const { cell, write } of writes) written.set(cell.id, write.after);
    }
    const done = plans.filter(({ cell }) => !lost.has(cell.id));
    for (const { plan } of done) for (const event of plan.increment) counted.add(event.eventId);
    for (const { plan } of done) for (const event of plan.record) records.push(event.eventId);
    return cells.filter((c) => lost.has(c.id));
  }

  /** The ids among `ids` that are recorded as applied (in a batch record, or in a record of their own from before). */
  private async recordedAmong(ids: string[]): Promise<Set<string>> {
    const asked = [...new Set(ids)];
    const recorded = new Set<string>();
    if (asked.length === 0) return recorded;
    const [batches, events] = await Promise.all([
      // A replay finds whole batches: only the asked ids among them count.
      this.batchRecords.find({ ids: { $in: asked } }, { projection: { ids: 1 } }).toArray(),
      // The records per event written before the batch records (no longer written, an empty collection once
      // none are left): asked alongside, on their _id, so a database of before counts none of its events again.
      this.eventRecords.find({ _id: { $in: asked } }, { projection: { _id: 1 } }).toArray(),
    ]);
    const wanted = new Set(asked);
    for (const batch of batches) for (const id of batch.ids) if (wanted.has(id)) recorded.add(id);
    for (const event of events) recorded.add(event._id);
    return recorded;
  }

  /** Marks the days that reached the cap of people positions, and the batch's overview months for a rebuild. */
  private async finish(cells: CellBatch[]): Promise<void> {
    await Promise.all([
      // Days whose set reached the cap take no more positions (a set never shrinks: the flag stays true). The rev
      // bump keeps a write planned from a state remembered from before (written-days.ts) from adding any more.
      this.dayCollection.updateMany(
        { _id: { $in: cells.map((c) => c.id) }, peopleFull: { $ne: true }, [`people.${STORED_POSITIONS_CAP - 1}`]: { $exists: true } },
        { $set: { peopleFull: true }, $inc: { rev: 1 } },
      ),
      this.markMonthsChanged([...new Set(cells.map((c) => c.where.month))]),
    ]);
  }

  /** Bumps the months' versions (after their days were written: a rebuild under way then stays dirty). */
  private async markMonthsChanged(months: string[]): Promise<void> {
    // A month's document, once there, is never removed: each is made sure of once per process.
    await this.ensureExist(this.overviewCollection, months.filter((m) => !this.knownMonths.has(m)).map((month) => ({ _id: month, version: 0, dirty: true })));
    for (const month of months) this.knownMonths.add(month);
    await this.overviewCollection.bulkWrite(
      months.map((month) => ({ updateOne: { filter: { _id: month }, update: { $inc: { version: 1 }, $set: { dirty: true } } } })),
      { ordered: false },
    );
  }

  /**
   * Per stored day: its guard (`rev`, `pending`), its counts, and whether it
   * keeps the cap of positions (its `peopleFull` flag: a batch reads hundreds
   * of days, and their whole sets would be most of what it reads).
   */
  private async cellStates(cellIds: string[], { fresh = false } = {}): Promise<Map<string, CellState>> {
    const states = new Map<string, CellState>();
    const toRead: string[] = [];
    for (const id of cellIds) {
      const remembered = fresh ? undefined : this.written.recall(id);
      if (remembered) states.set(id, remembered);
      else toRead.push(id);
    }
    if (toRead.length === 0) return states;
    const docs = await this.dayCollection.find({ _id: { $in: toRead } }, { projection: { pending: 1, rev: 1, peopleFull: 1, c: 1, custom: 1, labels: 1 } }).toArray();
    for (const d of docs) {
      states.set(d._id, { rev: d.rev ?? null, pending: new Set(d.pending ?? []), peopleFull: d.peopleFull === true, counts: { c: d.c, custom: d.custom, labels: d.labels } });
    }
    return states;
  }

  /** Inserts the documents that are missing; existing ones are left as they are. */
  private async ensureExist<T extends { _id: string }>(collection: Collection<T>, docs: T[]): Promise<void> {
    if (docs.length === 0) return;
    await this.ignoringDuplicate(
      collection.bulkWrite(
        docs.map(({ _id, ...fields }) => ({ updateOne: { filter: { _id } as never, update: { $setOnInsert: fields } as never, upsert: true } })),
        { ordered: false },
      ),
    );
  }

  /** Duplicate key = the guarded write found its work already done. */
  private async ignoringDuplicate(write: Promise<unknown>): Promise<void> {
    try {
      await write;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** Every stored day of one business in the given months, for a release plan with threshold k. */
  async findBusinessDays(businessId: string, months: string[], k: number): Promise<StoredDay[]> {
    const docs = await this.dayCollection.find({ businessId, month: { $in: months } }, { projection: dayProjection(k) }).toArray();
    return docs.map(toStoredDay);
  }

  /** The stored days of the given businesses in one month (the rollup's input for the businesses that changed). */
  async findMonthDaysOf(month: string, businessIds: string[], k: number): Promise<StoredDay[]> {
    const docs = await this.dayCollection.find({ month, businessId: { $in: businessIds } }, { projection: dayProjection(k) }).toArray();
    return docs.map(toStoredDay);
  }

  /**
   * Per business with days in the month: the sum of its days' `rev`, which
   * grows with every counting write of the business in that month (days are
   * never removed). Summed by the store: no day is read out.
   */
  async monthRevisions(month: string): Promise<Map<string, number>> {
    const rows = await this.dayCollection
      .aggregate<{ _id: string; revs: number }>([{ $match: { month } }, { $group: { _id: '$businessId', revs: { $sum: '$rev' } } }])
      .toArray();
    return new Map(rows.map((r) => [r._id, r.revs]));
  }

  /** The plan parts of one month's overview, by business (without their sums per day). */
  async findOverviewPartPlans(month: string): Promise<Map<string, OverviewPartPlan>> {
    const docs = await this.partCollection.find({ month }, { projection: { days: 0 } }).toArray();
    return new Map(docs.map((d) => [d.businessId, { businessId: d.businessId, revs: d.revs, k: d.k, part: { spanningAtoms: d.part.spanningAtoms ?? [], remainder: d.part.remainder } }]));
  }

  /** The sums per day of the month's stored parts, of the given businesses or of every business. */
  async findOverviewPartCounts(month: string, businessIds?: string[]): Promise<PartCounts[]> {
    if (businessIds?.length === 0) return [];
    const filter = businessIds ? { month, businessId: { $in: businessIds } } : { month };
    const docs = await this.partCollection.find(filter, { projection: { businessId: 1, revs: 1, days: 1 } }).toArray();
    return docs.map((d) => ({ businessId: d.businessId, revs: d.revs, countsByDay: fromStoredCounts(d.days) }));
  }

  /** The month's sums as last saved; a month saved before parts were kept holds none that can be folded. */
  async findMonthSums(month: string): Promise<SavedMonthSums> {
    const doc = await this.overviewCollection.findOne({ _id: month }, { projection: { days: 1, folded: 1, foldRev: 1 } });
    if (!doc?.folded) return { countsByDay: new Map(), folded: new Map(), foldRev: doc?.foldRev ?? null };
    return { countsByDay: fromStoredCounts(doc.days ?? {}), folded: new Map(doc.folded), foldRev: doc.foldRev ?? null };
  }

  /**
   * Stores rebuilt parts. A stored part built from more revisions (by another
   * instance meanwhile) for the same k is kept: it is the later one.
   */
  async saveOverviewParts(parts: OverviewBusinessPart[]): Promise<void> {
    if (parts.length === 0) return;
    await this.ignoringDuplicate(
      this.partCollection.bulkWrite(
        parts.map(({ month, businessId, revs, k, countsByDay, part }) => ({
          updateOne: {
            // No match (a later part is stored) makes the upsert an insert of an existing _id: a duplicate, ignored.
            filter: { _id: `${month}|${businessId}`, $or: [{ revs: { $lt: revs } }, { k: { $ne: k } }] },
            update: { $set: { month, businessId, revs, k, days: toStoredCounts(countsByDay), part } },
            upsert: true,
          },
        })),
        { ordered: false },
      ),
    );
  }

  async findDirtyMonths(limit = 24): Promise<{ month: string; version: number }[]> {
    const docs = await this.overview.find({ dirty: true }, { version: 1 }).limit(limit).lean<OverviewMonthDoc[]>();
    return docs.map((d) => ({ month: d._id, version: d.version }));
  }

  /**
   * Stores a rebuilt month against the sums it was folded from (false, and
   * nothing saved, if another rollup saved the month meanwhile); it stays dirty
   * if it changed while being rebuilt.
   */
  async saveOverviewMonth(built: OverviewMonth & { folded: ReadonlyMap<string, number> }, version: number, foldRev: number | null): Promise<boolean> {
    const saved = await this.overviewCollection.updateOne(
      // null matches a month never saved by this scheme (no `foldRev` yet).
      { _id: built.month, foldRev: foldRev as never },
      {
        $set: { days: toStoredCounts(built.countsByDay), folded: [...built.folded], plan: built.plan, k: built.k, builtVersion: version, builtAt: new Date() },
        $inc: { foldRev: 1 },
      },
    );
    if (saved.matchedCount === 0) return false;
    await this.overviewCollection.updateOne({ _id: built.month, version }, { $set: { dirty: false } });
    return true;
  }

  /** Days made before every day was made with a set of positions get an empty one (see dayProjection). */
  async giveEveryDayAPeopleSet(): Promise<void> {
    await this.dayCollection.updateMany({ people: { $exists: false } }, { $set: { people: [] } });
  }

  /** Months built for another k are rebuilt (ANALYTICS_MIN_GROUP_SIZE changed). */
  async markBuiltForOtherK(k: number): Promise<void> {
    await this.overviewCollection.updateMany({ k: { $ne: k } }, { $set: { dirty: true } });
  }

  /** The built overview months among `months`; a month built for another k is left out (not published). */
  async findOverviewMonths(months: string[], k: number): Promise<{ built: OverviewMonth[]; pending: string[] }> {
    const docs = await this.overview.find({ _id: { $in: months } }, { folded: 0 }).lean<OverviewMonthDoc[]>();
    const built: OverviewMonth[] = [];
    const pending: string[] = [];
    for (const doc of docs) {
      if (doc.k !== k || !doc.plan || !doc.days) {
        pending.push(doc._id);
        continue;
      }
      built.push({ month: doc._id, k, countsByDay: fromStoredCounts(doc.days), plan: { spanningAtoms: doc.plan.spanningAtoms ?? [], blocked: doc.plan.blocked ?? 0 } });
    }
    return { built, pending };
  }

  saveBusinessName(businessId: string, name: string, version: EventVersion): Promise<boolean> {
    return saveLatest(this.names, businessId, version, { name });
  }

  /** Businesses with a profile or with data, with their name when known. */
  async listBusinesses(): Promise<{ businessId: string; name?: string }[]> {
    const [named, withData] = await Promise.all([this.names.find({}, { name: 1 }).lean<BusinessNameDoc[]>(), this.days.distinct('businessId')]);
    const names = new Map(named.map((n) => [n._id, n.name]));
    const ids = [...new Set([...names.keys(), ...(withData as string[])])];
    return ids.map((businessId) => ({ businessId, name: names.get(businessId) })).sort((a, b) => (a.name ?? a.businessId).localeCompare(b.name ?? b.businessId));
  }
}
