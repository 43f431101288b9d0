import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Sealed } from '@feedback/pii';
import type { OutboxEntry } from '@feedback/service-kit';
import type { DeliveryStatus } from '../../domain/delivery.types';
import type { EmailIntent } from '../../domain/email.types';

/**
 * One email: its delivery state, never its body. `_id` is the notificationId,
 * derived from the triggering event, so a redelivered event finds its email
 * here instead of sending a second one. The address is sealed; `recipientHash`
 * (a keyed hash of the lowercased address) lets the log be searched by address.
 * EmailSent / EmailFailed wait in `outbox` until the relay has published them.
 */
@Schema({ collection: 'deliveries', versionKey: false })
export class DeliveryDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  kind!: string;

  /** The recipient's user id (person or business user). */
  @Prop({ type: String })
  userId?: string;

  @Prop({ type: String })
  businessId?: string;

  @Prop({ type: String, required: true })
  language!: string;

  @Prop({ type: String, required: true })
  triggerEventId!: string;

  @Prop({ type: String, required: true })
  triggerType!: string;

  @Prop({ type: String, required: true })
  correlationId!: string;

  /** Absent when no address was known (`recipient unknown`). */
  @Prop({ type: Object })
  sealedRecipient?: Sealed;

  @Prop({ type: String })
  recipientHash?: string;

  @Prop({ type: String, required: true, enum: ['waiting', 'sending', 'sent', 'failed'] })
  status!: DeliveryStatus;

  /** Attempts at handing the email to the mail server so far. */
  @Prop({ type: Number, required: true, default: 0 })
  attempts!: number;

  /** Why it failed, without the address. */
  @Prop({ type: String })
  reason?: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  /** Time of the latest status change: the log's sort key. */
  @Prop({ type: Date, required: true })
  at!: Date;

  /** While `waiting`: the planned email (ids, dates and names of fields only), to try again without its event. */
  @Prop({ type: Object })
  waitingIntent?: EmailIntent;

  /** While `waiting`: since when, how many times it was parked (for operators), and when it is next due (released, or its wait over). */
  @Prop({ type: Date })
  waitingSince?: Date;

  @Prop({ type: Number })
  waits?: number;

  @Prop({ type: Date })
  retryAt?: Date;

  /** While `waiting`: the profiles it awaits (awaitedProfiles); the arrival of one makes it due. */
  @Prop({ type: [String], default: undefined })
  awaiting?: string[];

  /** While `waiting`: the lease of the instance trying it now (see takeDueWaiting). */
  @Prop({ type: String })
  waitLease?: string;

  @Prop({ type: [Object], default: [] })
  outbox!: OutboxEntry[];

  @Prop({ type: Boolean, default: false })
  outboxPending!: boolean;
}

export const DeliverySchema = SchemaFactory.createForClass(DeliveryDocument);
DeliverySchema.index({ recipientHash: 1, at: -1, _id: -1 });
DeliverySchema.index({ status: 1, at: -1, _id: -1 });
DeliverySchema.index({ at: -1, _id: -1 });
DeliverySchema.index({ outboxPending: 1 });
DeliverySchema.index({ status: 1, retryAt: 1 });
// Sparse: only waiting emails have the field, so the emails sent and failed cost this index nothing.
DeliverySchema.index({ awaiting: 1 }, { sparse: true });
