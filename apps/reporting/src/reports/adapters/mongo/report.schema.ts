import { Schema } from 'mongoose';

export const REPORTS = 'reports';

const sealedSchema = new Schema({ keyId: String, iv: String, tag: String, ciphertext: String }, { _id: false });

/**
 * One review report. Its pending events (`outbox`) are written in the same
 * single-document update as each state change and relayed afterwards. The
 * reviewer's documentation text is sealed (AES-256-GCM, @feedback/pii); the
 * file lives, sealed as well, in GridFS.
 */
export const reportSchema = new Schema(
  {
    _id: { type: String, required: true },
    businessId: { type: String, required: true },
    reviewId: { type: String, required: true },
    reason: { type: String, required: true, enum: ['not_genuine_experience', 'spam', 'harmful', 'conflict_of_interest', 'other'] },
    details: String,
    reportedBy: { type: String, required: true },
    reportedAt: { type: Date, required: true },
    status: { type: String, required: true, enum: ['open', 'removed', 'kept'] },
    decidedBy: String,
    decidedAt: Date,
    review: {
      _id: false,
      reviewerId: { type: String, required: true },
      rating: { type: Number, required: true },
      source: { type: String, required: true },
      language: { type: String, required: true },
      publishedAt: { type: Date, required: true },
    },
    documentation: {
      type: new Schema(
        {
          requestedAt: { type: Date, required: true },
          expiresAt: { type: Date, required: true },
          submittedAt: Date,
          description: sealedSchema,
          file: { _id: false, fileId: String, contentType: String, size: Number },
        },
        { _id: false },
      ),
      default: undefined,
    },
    /** True until the fairness monitor has re-evaluated the business after this report (R6). */
    fairnessPending: { type: Boolean, default: false },
    correlationId: { type: String, required: true },
    outbox: { type: [Object], default: [] },
    outboxPending: { type: Boolean, default: false },
  },
  { collection: REPORTS, versionKey: false },
);

// R4: one report per review per business, even under concurrent calls.
reportSchema.index({ businessId: 1, reviewId: 1 }, { unique: true });
reportSchema.index({ businessId: 1, reportedAt: -1, _id: -1 });
reportSchema.index({ status: 1, reportedAt: -1, _id: -1 });
reportSchema.index({ reportedAt: -1, _id: -1 });
reportSchema.index({ businessId: 1, 'review.rating': 1 });
reportSchema.index({ fairnessPending: 1 });
reportSchema.index({ outboxPending: 1 });
