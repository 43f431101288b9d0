import { Schema } from 'mongoose';

export const MISUSE_FLAGS = 'misuse_flags';

const figuresSchema = new Schema(
  { reports: Number, negativeReports: Number, reviews: Number, negativeReviews: Number, pValue: Number, evaluatedAt: Date },
  { _id: false },
);

/**
 * One selective-reporting flag of a business (R6). `_id` is `<businessId>#<n>`
 * for its n-th flag, so two evaluations racing to raise the same flag insert
 * one document, and its ReportingMisuseFlagged event (kept in the same
 * document's outbox) is emitted once.
 */
export const misuseFlagSchema = new Schema(
  {
    _id: { type: String, required: true },
    businessId: { type: String, required: true },
    sequence: { type: Number, required: true },
    status: { type: String, required: true, enum: ['active', 'cleared'] },
    raisedAt: { type: Date, required: true },
    /** The report whose re-evaluation raised it. */
    reportId: { type: String, required: true },
    /** The figures when it was raised. */
    raisedWith: { type: figuresSchema, required: true },
    /** The figures of the latest evaluation while it was active. */
    latest: figuresSchema,
    clearedAt: Date,
    outbox: { type: [Object], default: [] },
    outboxPending: { type: Boolean, default: false },
  },
  { collection: MISUSE_FLAGS, versionKey: false },
);

misuseFlagSchema.index({ businessId: 1, sequence: -1 });
misuseFlagSchema.index({ raisedAt: -1, _id: -1 });
misuseFlagSchema.index({ businessId: 1, raisedAt: -1, _id: -1 });
misuseFlagSchema.index({ outboxPending: 1 });
