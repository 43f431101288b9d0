import { Schema } from 'mongoose';

/** Reviews as upstream.reviews.v1 described them last (no personal data beyond the reviewer id). */
export const REVIEWS = 'reviews';
export const reviewSchema = new Schema(
  {
    _id: { type: String, required: true },
    businessId: { type: String, required: true },
    reviewerId: { type: String, required: true },
    rating: { type: Number, required: true },
    source: { type: String, required: true, enum: ['organic', 'invited'] },
    language: { type: String, required: true },
    publishedAt: { type: Date, required: true },
    asOf: { type: Date, required: true },
    sourceEventId: { type: String, required: true },
  },
  { collection: REVIEWS, versionKey: false },
);
// The fairness monitor counts a business's reviews, and its negative ones (R6).
reviewSchema.index({ businessId: 1, rating: 1 });

/** Business names, for the reviewer's documentation page; users and contact details stay with notifications. */
export const BUSINESSES = 'businesses';
export const businessSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    privacyPolicyUrl: { type: String },
    asOf: { type: Date, required: true },
    sourceEventId: { type: String, required: true },
  },
  { collection: BUSINESSES, versionKey: false },
);

/**
 * Information requests about reviews, from info.requests.v1 (R1). Each event
 * sets only its own fields, so the document is right whatever order they come in.
 */
export const INFORMATION_REQUESTS = 'information_requests';
export const informationRequestSchema = new Schema(
  {
    _id: { type: String, required: true },
    businessId: { type: String, required: true },
    reviewId: { type: String, required: true },
    requestedBy: String,
    requestedAt: Date,
    expiresAt: Date,
    providedAt: Date,
    declinedAt: Date,
    expiredAt: Date,
    sharedFields: { type: [String], default: undefined },
    identification: { _id: false, identified: Boolean, recordedAt: Date, recordedBy: String },
  },
  { collection: INFORMATION_REQUESTS, versionKey: false },
);
informationRequestSchema.index({ reviewId: 1 });
