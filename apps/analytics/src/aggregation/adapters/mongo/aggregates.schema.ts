import { Schema } from 'mongoose';

/**
 * One business on one UTC day: counters, custom-survey counts and the people
 * sketch (positions, not people). No person id, contact detail or free text (A1).
 * `_id` is `<day>|<businessId>`.
 */
export const BUSINESS_DAYS = 'business_days';
export const businessDaySchema = new Schema(
  {
    _id: { type: String, required: true },
    businessId: { type: String, required: true },
    day: { type: String, required: true },
    month: { type: String, required: true },
    /** Counters, nested by their key (`c.feedback.csat.4`). */
    c: { type: Schema.Types.Mixed },
    /** Custom-survey counts by label hash; `labels` maps each hash to its label. */
    custom: { type: Schema.Types.Mixed },
    labels: { type: Schema.Types.Mixed },
    /** People-sketch positions (people-sketch.ts), capped near STORED_POSITIONS_CAP. */
    people: { type: [Number], default: undefined },
    /** Ids of events counted by the last write and maybe not recorded yet: the guard that makes a retried write count once (day-guard.ts). */
    pending: { type: [String], default: undefined },
    /** Bumped by every counting write, which is made against the value it read (day-guard.ts). */
    rev: { type: Number },
  },
  { collection: BUSINESS_DAYS, versionKey: false, minimize: false },
);
businessDaySchema.index({ businessId: 1, month: 1 });
businessDaySchema.index({ month: 1 });

/**
 * Events whose contribution is stored, one record per counting batch: `ids` holds the batch's
 * event ids (with `pending` they make counting idempotent: day-guard.ts), `appliedAt` when its
 * days were written. A record per event made the store insert and index as many documents as
 * analytics counts events (200,000 in the bench's pipeline, as many as its whole baseline
 * inserts); the multikey index on `ids` keeps one entry per event, in far fewer documents.
 */
export const APPLIED_BATCHES = 'applied_batches';
export const appliedBatchSchema = new Schema(
  {
    _id: { type: String, required: true },
    ids: { type: [String], required: true },
    appliedAt: { type: Date, required: true },
  },
  { collection: APPLIED_BATCHES, versionKey: false },
);
appliedBatchSchema.index({ ids: 1 });

/**
 * The record per event that came before (`_id` the event id): no longer written, still read (by
 * `_id`, beside the batch records) so that a database of before counts none of its events again.
 */
export const APPLIED_EVENTS = 'applied_events';
export const appliedEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    cell: { type: String },
    appliedAt: { type: Date },
  },
  { collection: APPLIED_EVENTS, versionKey: false },
);

/**
 * The overview of one month, rebuilt by the rollup from the month's
 * business parts (`overview_parts`): the sums per day and the month's release plan. `version`
 * counts changes to the month; `dirty` says a rebuild is due.
 */
export const OVERVIEW_MONTHS = 'overview_months';
export const overviewMonthSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true, default: 0 },
    dirty: { type: Boolean, required: true, default: true },
    builtVersion: { type: Number },
    builtAt: { type: Date },
    k: { type: Number },
    /** Per day: counters as [key, count] pairs and custom counts as [label, count] pairs. */
    days: { type: Schema.Types.Mixed },
    plan: { _id: false, spanningAtoms: [Number], blocked: Number },
  },
  { collection: OVERVIEW_MONTHS, versionKey: false },
);
overviewMonthSchema.index({ dirty: 1 });

/**
 * One business's share of one month of the overview, kept by the rollup so a
 * rebuild reads again only the days of the businesses that changed: its sums
 * per day, its part of the month's release plan (release.policy.ts), and
 * `revs`, the sum of the `rev` of the days it was built from (a day's `rev`
 * grows with every counting write). `_id` is `<month>|<businessId>`.
 */
export const OVERVIEW_PARTS = 'overview_parts';
export const overviewPartSchema = new Schema(
  {
    _id: { type: String, required: true },
    month: { type: String, required: true },
    businessId: { type: String, required: true },
    revs: { type: Number, required: true },
    k: { type: Number, required: true },
    /** Per day, as in `overview_months`. */
    days: { type: Schema.Types.Mixed },
    part: { _id: false, spanningAtoms: [Number], remainder: { _id: false, mask: Number, people: [Number] } },
  },
  { collection: OVERVIEW_PARTS, versionKey: false, minimize: false },
);
overviewPartSchema.index({ month: 1 });

/** Business names, for the dashboard's business filter (the latest profile wins; no users, no contacts). */
export const BUSINESS_NAMES = 'business_names';
export const businessNameSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    asOf: { type: Date, required: true },
    sourceEventId: { type: String, required: true },
  },
  { collection: BUSINESS_NAMES, versionKey: false },
);
