import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Sealed } from '@feedback/pii';
import type { OutboxEntry } from '@feedback/service-kit';
import type { Erasure, SurveyType } from '../../domain/feedback-answer.types';

export const FEEDBACK_ANSWERS_COLLECTION = 'feedback_answers';

/**
 * One answer to a feedback request (F6, F7, F12). Written once from
 * FeedbackSubmitted; the comment is sealed here (AES-256-GCM, context
 * `feedback-answer:<requestId>`, `keyId` names the key for rotation). An
 * erasure turns it into a tombstone in place: score, option and comment are
 * removed, `erased` records when and by whom, and the FeedbackErased event is
 * queued in `outbox` by the same single-document update.
 */
@Schema({ collection: FEEDBACK_ANSWERS_COLLECTION, versionKey: false })
export class FeedbackAnswerDocument {
  /** The requestId: one answer per request, so a replay can never add a second. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  businessId!: string;

  @Prop({ type: Boolean, required: true })
  test!: boolean;

  @Prop({ type: String, required: true, index: true })
  conversationId!: string;

  /** The person who answered: for data-subject requests only, never served over HTTP. */
  @Prop({ type: String, required: true, index: true })
  userId!: string;

  @Prop({ type: [String], required: true })
  representativeIds!: string[];

  @Prop({ type: String, required: true })
  surveyType!: SurveyType;

  @Prop({ type: Number })
  score?: number;

  @Prop({ type: String })
  option?: string;

  /** The comment, sealed; absent when there was none or once erased. */
  @Prop({ type: Object })
  sealedComment?: Sealed;

  /** Key that sealed the comment: which records still need an old key during a rotation. */
  @Prop({ type: String, index: true })
  keyId?: string;

  @Prop({ type: Date, required: true })
  requestedAt!: Date;

  @Prop({ type: Date, required: true })
  submittedAt!: Date;

  @Prop({ type: Object })
  erased?: Erasure;

  @Prop({ type: Date, required: true })
  receivedAt!: Date;

  /** The FeedbackSubmitted event the record came from. */
  @Prop({ type: String, required: true })
  sourceEventId!: string;

  /** Carried on to the events this answer's changes emit. */
  @Prop({ type: String, required: true })
  correlationId!: string;

  @Prop({ type: [Object], default: [] })
  outbox!: OutboxEntry[];

  @Prop({ type: Boolean, default: false, index: true })
  outboxPending!: boolean;
}

export const FeedbackAnswerSchema = SchemaFactory.createForClass(FeedbackAnswerDocument);
// Newest-first pages of a business, and of one representative's conversations (F7).
FeedbackAnswerSchema.index({ businessId: 1, submittedAt: -1, _id: -1 });
FeedbackAnswerSchema.index({ businessId: 1, representativeIds: 1, submittedAt: -1, _id: -1 });
