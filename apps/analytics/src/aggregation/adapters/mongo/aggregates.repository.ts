import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { createHash } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { isDuplicateKeyError, saveLatest, type EventVersion } from '@feedback/persistence';
import { isCounterKey, type Cell, type CounterKey, type Counts } from '../../../domain/aggregates.types';
import { monthOf } from '../../../domain/calendar';
import type { Contribution } from '../../../domain/contribution.policy';
import { STORED_POSITIONS_CAP } from '../../../domain/people-sketch';
import type { MonthPlan } from '../../../domain/release.policy';
import { APPLIED_EVENTS, BUSINESS_DAYS, BUSINESS_NAMES, OVERVIEW_MONTHS } from './aggregates.schema';

interface BusinessDayDoc {
  _id: string;
  businessId: string;
  day: string;
  month: string;
  c?: Record<string, unknown>;
  custom?: Record<string, number>;
  labels?: Record<string, string>;
  people?: number[];
  pending?: string[];
}
interface AppliedEventDoc {
  _id: string;
  cell: string;
  appliedAt: Date;
}
interface OverviewMonthDoc {
  _id: string;
  version: number;
  dirty: boolean;
  builtVersion?: number;
  builtAt?: Date;
  k?: number;
  days?: Record<string, { counters: [string, number][]; custom: [string, number][] }>;
  plan?: MonthPlan;
}
interface BusinessNameDoc {
  _id: string;
  name: string;
}

/** A business-day as read back: its counts and its cell for the release policy. */
export interface StoredDay {
  cell: Cell;
  counts: Counts;
}

/** The overview of one month as the rollup last built it. */
export interface OverviewMonth {
  month: string;
  k: number;
  countsByDay: Map<string, Counts>;
  plan: MonthPlan;
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

function toStoredDay(doc: BusinessDayDoc): StoredDay {
  const counters = flattenCounters(doc.c);
  const custom: Record<string, number> = {};
  for (const [key, count] of Object.entries(doc.custom ?? {})) {
    const label = doc.labels?.[key];
    if (label !== undefined) custom[label] = count;
  }
  const hasData = Object.values(counters).some((v) => v !== 0) || Object.keys(custom).length > 0;
  return { cell: { businessId: doc.businessId, day: doc.day, hasData, people: doc.people ?? [] }, counts: { counters, custom } };
}

/**
 * The aggregates: one document per business and UTC day, updated in place.
 *
 * Counting is idempotent on the event id without keeping event ids next to the
 * counts: an event is applied with one conditional update that also pushes its
 * id onto the day's short `pending` list (a second attempt matches nothing),
 * then recorded in `applied_events`, then taken off `pending`. A crash at any
 * point is repaired by the redelivery: before the record, `pending` refuses the
 * second increment; after it, the record does.
 */
@Injectable()
export class AggregatesRepository {
  constructor(
    @InjectModel(BUSINESS_DAYS) private readonly days: Model<BusinessDayDoc>,
    @InjectModel(APPLIED_EVENTS) private readonly applied: Model<AppliedEventDoc>,
    @InjectModel(OVERVIEW_MONTHS) private readonly overview: Model<OverviewMonthDoc>,
    @InjectModel(BUSINESS_NAMES) private readonly names: Model<BusinessNameDoc>,
  ) {}

  /** The driver's collections, typed with string ids, for the guarded single-document writes. */
  private get dayCollection() {
    return this.days.collection as unknown as Collection<BusinessDayDoc>;
  }
  private get appliedCollection() {
    return this.applied.collection as unknown as Collection<AppliedEventDoc>;
  }
  private get overviewCollection() {
    return this.overview.collection as unknown as Collection<OverviewMonthDoc>;
  }

  /** Adds one event's contribution, once. Returns false when the event had been counted already. */
  async apply(eventId: string, contribution: Contribution): Promise<boolean> {
    const id = cellId(contribution.businessId, contribution.day);
    const month = monthOf(contribution.day);
    const where = { businessId: contribution.businessId, day: contribution.day, month };
    if (await this.applied.exists({ _id: eventId })) {
      await this.finish(eventId, id, month);
      return false;
    }

    if (contribution.people.length > 0) {
      // A set union: repeating it is harmless, so it needs no guard.
      await this.ignoringDuplicate(
        this.dayCollection.updateOne(
          { _id: id, [`people.${STORED_POSITIONS_CAP - 1}`]: { $exists: false } },
          { $addToSet: { people: { $each: contribution.people } }, $set: where },
          { upsert: true },
        ),
      );
    }

    const inc: Record<string, number> = {};
    for (const key of contribution.counters) inc[`c.${key}`] = (inc[`c.${key}`] ?? 0) + 1;
    const labels: Record<string, string> = {};
    for (const { label, by } of contribution.customLabels) {
      inc[`custom.${labelKey(label)}`] = (inc[`custom.${labelKey(label)}`] ?? 0) + by;
      labels[`labels.${labelKey(label)}`] = label;
    }
    await this.ignoringDuplicate(
      this.dayCollection.updateOne(
        { _id: id, pending: { $ne: eventId } },
        { $inc: inc, $set: { ...where, ...labels }, $push: { pending: eventId } },
        { upsert: true },
      ),
    );

    await this.ignoringDuplicate(this.appliedCollection.insertOne({ _id: eventId, cell: id, appliedAt: new Date() }));
    await this.finish(eventId, id, month);
    return true;
  }

  private async finish(eventId: string, id: string, month: string): Promise<void> {
    await this.dayCollection.updateOne({ _id: id }, { $pull: { pending: eventId } });
    await this.overviewCollection.updateOne({ _id: month }, { $inc: { version: 1 }, $set: { dirty: true } }, { upsert: true });
  }

  /** Duplicate key = the guarded write found its work already done. */
  private async ignoringDuplicate(write: Promise<unknown>): Promise<void> {
    try {
      await write;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** Every stored day of one business in the given months. */
  async findBusinessDays(businessId: string, months: string[]): Promise<StoredDay[]> {
    const docs = await this.days.find({ businessId, month: { $in: months } }, { pending: 0 }).lean<BusinessDayDoc[]>();
    return docs.map(toStoredDay);
  }

  /** Every stored day of every business in one month (the rollup's input). */
  async findMonthDays(month: string): Promise<StoredDay[]> {
    const docs = await this.days.find({ month }, { pending: 0 }).lean<BusinessDayDoc[]>();
    return docs.map(toStoredDay);
  }

  async findDirtyMonths(limit = 24): Promise<{ month: string; version: number }[]> {
    const docs = await this.overview.find({ dirty: true }, { version: 1 }).limit(limit).lean<OverviewMonthDoc[]>();
    return docs.map((d) => ({ month: d._id, version: d.version }));
  }

  /** Stores a rebuilt month; it stays dirty if it changed while being rebuilt. */
  async saveOverviewMonth(built: OverviewMonth, version: number): Promise<void> {
    const days = Object.fromEntries(
      [...built.countsByDay].map(([day, counts]) => [day, { counters: Object.entries(counts.counters), custom: Object.entries(counts.custom) }]),
    );
    await this.overviewCollection.updateOne({ _id: built.month }, { $set: { days, plan: built.plan, k: built.k, builtVersion: version, builtAt: new Date() } });
    await this.overviewCollection.updateOne({ _id: built.month, version }, { $set: { dirty: false } });
  }

  /** Months built for another k are rebuilt (ANALYTICS_MIN_GROUP_SIZE changed). */
  async markBuiltForOtherK(k: number): Promise<void> {
    await this.overviewCollection.updateMany({ k: { $ne: k } }, { $set: { dirty: true } });
  }

  /** The built overview months among `months`; a month built for another k is left out (not published). */
  async findOverviewMonths(months: string[], k: number): Promise<{ built: OverviewMonth[]; pending: string[] }> {
    const docs = await this.overview.find({ _id: { $in: months } }).lean<OverviewMonthDoc[]>();
    const built: OverviewMonth[] = [];
    const pending: string[] = [];
    for (const doc of docs) {
      if (doc.k !== k || !doc.plan || !doc.days) {
        pending.push(doc._id);
        continue;
      }
      const countsByDay = new Map<string, Counts>();
      for (const [day, stored] of Object.entries(doc.days)) {
        const counters: Partial<Record<CounterKey, number>> = {};
        for (const [key, count] of stored.counters) if (isCounterKey(key)) counters[key] = count;
        countsByDay.set(day, { counters, custom: Object.fromEntries(stored.custom) });
      }
      built.push({ month: doc._id, k, countsByDay, plan: { spanningAtoms: doc.plan.spanningAtoms ?? [], blocked: doc.plan.blocked ?? 0 } });
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
