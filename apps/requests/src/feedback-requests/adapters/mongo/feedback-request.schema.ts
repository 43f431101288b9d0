import { Schema } from 'mongoose';

export const FEEDBACK_REQUESTS = 'feedback_requests';

/**
 * One feedback request. The answer itself is not kept here: it travels in
 * FeedbackSubmitted to feedback-store, which stores it write-once.
 */
export const feedbackRequestSchema = new Schema(
  {
    _id: { type: String, required: true },
    businessId: { type: String, required: true },
    conversationId: { type: String, required: true },
    userId: { type: String, required: true },
    representativeIds: { type: [String], default: [] },
    requestedBy: { type: String, required: true },
    survey: { type: Object, required: true },
    test: { type: Boolean, required: true },
    status: { type: String, required: true, enum: ['pending', 'answered', 'declined', 'expired'] },
    requestedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    answeredAt: Date,
    declinedAt: Date,
    expiredAt: Date,
    correlationId: { type: String, required: true },
    outbox: { type: [Object], default: [] },
    outboxPending: { type: Boolean, default: false },
  },
  { collection: FEEDBACK_REQUESTS, versionKey: false },
);

// F3: one request per conversation, even under concurrent calls.
feedbackRequestSchema.index({ conversationId: 1 }, { unique: true });
feedbackRequestSchema.index({ businessId: 1, requestedAt: -1, _id: -1 });
feedbackRequestSchema.index({ status: 1, expiresAt: 1 });
feedbackRequestSchema.index({ outboxPending: 1 });

/** Per person: the feedback requests sent in the last 24 h (F14), updated with optimistic concurrency. */
export const RECIPIENT_QUOTAS = 'recipient_quotas';
export const recipientQuotaSchema = new Schema(
  {
    _id: { type: String, required: true },
    sends: [{ _id: false, businessId: { type: String, required: true }, at: { type: Date, required: true }, requestId: String }],
    revision: { type: Number, required: true },
  },
  { collection: RECIPIENT_QUOTAS, versionKey: false },
);
