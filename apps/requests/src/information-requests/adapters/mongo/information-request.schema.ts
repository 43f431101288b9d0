import { Schema } from 'mongoose';

export const INFORMATION_REQUESTS = 'information_requests';

/**
 * One information request. Its pending events (`outbox`) are written in the
 * same single-document update as each state change and relayed afterwards.
 */
export const informationRequestSchema = new Schema(
  {
    _id: { type: String, required: true },
    businessId: { type: String, required: true },
    reviewId: { type: String, required: true },
    reviewerId: { type: String, required: true },
    requestedBy: { type: String, required: true },
    status: { type: String, required: true, enum: ['pending', 'answered', 'declined', 'expired'] },
    requestedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    sharedFields: { type: [String], default: undefined },
    answeredAt: Date,
    declinedAt: Date,
    expiredAt: Date,
    correlationId: { type: String, required: true },
    outbox: { type: [Object], default: [] },
    outboxPending: { type: Boolean, default: false },
  },
  { collection: INFORMATION_REQUESTS, versionKey: false },
);

// I1: once per review, even under concurrent calls.
informationRequestSchema.index({ reviewId: 1 }, { unique: true });
informationRequestSchema.index({ businessId: 1, requestedAt: -1, _id: -1 });
informationRequestSchema.index({ status: 1, expiresAt: 1 });
informationRequestSchema.index({ outboxPending: 1 });
