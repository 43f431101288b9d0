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

/** Businesses as their latest BusinessProfileUpdated described them (ids and roles only). */
export const BUSINESSES = 'businesses';
export const businessSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    privacyPolicyUrl: { type: String },
    referenceNumberLabel: { type: String },
    users: [{ _id: false, userId: { type: String, required: true }, role: { type: String, required: true, enum: ['admin', 'member'] } }],
    asOf: { type: Date, required: true },
    sourceEventId: { type: String, required: true },
  },
  { collection: BUSINESSES, versionKey: false },
);

/** What each business set through PUT settings; separate so a new profile never overwrites it. */
export const BUSINESS_SETTINGS = 'business_settings';
export const businessSettingsSchema = new Schema(
  {
    _id: { type: String, required: true },
    referenceNumberLabel: { type: String },
    feedbackWindowDays: { type: Number },
    sharePrompt: { _id: false, enabled: Boolean, url: String },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { collection: BUSINESS_SETTINGS, versionKey: false },
);

/** Private conversations between a business and a person (F1). */
export const CONVERSATIONS = 'conversations';
export const conversationSchema = new Schema(
  {
    _id: { type: String, required: true },
    businessId: { type: String, required: true },
    userId: { type: String, required: true },
    representativeIds: { type: [String], default: [] },
    lastInteractionAt: { type: Date, required: true },
    deletedAt: { type: Date },
    asOf: { type: Date, required: true },
    sourceEventId: { type: String, required: true },
  },
  { collection: CONVERSATIONS, versionKey: false },
);
