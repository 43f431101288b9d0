import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { SealedValue, SharedField } from '@feedback/contracts';
import type { OutboxEntry } from '@feedback/service-kit';
import type { Identification } from '../../domain/disclosure.types';

export const DISCLOSURES_COLLECTION = 'disclosures';

/**
 * One information request's shared details (I7). Written once from
 * InformationDisclosed: the values stay sealed exactly as they arrived (AES-256-GCM,
 * `keyId` names the key for rotation) until the retention sweep removes them;
 * the facts (who asked, when, which fields) stay. Also the outbox of the events
 * this request's changes emit (IdentificationRecorded).
 */
@Schema({ collection: DISCLOSURES_COLLECTION, versionKey: false })
export class DisclosureDocument {
  /** The requestId: one disclosure per request, so a replay can never add a second. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true, index: true })
  businessId!: string;

  @Prop({ type: String, required: true })
  reviewId!: string;

  @Prop({ type: String, required: true })
  requestedBy!: string;

  /** Names of the fields shared, never their values. */
  @Prop({ type: [String], required: true })
  sharedFields!: SharedField[];

  @Prop({ type: Date, required: true, index: true })
  providedAt!: Date;

  /** The values, sealed by the producer with context `disclosure:<requestId>`; absent once purged. */
  @Prop({ type: Object })
  sealed?: SealedValue;

  /** Key that sealed the values: which records still need an old key during a rotation. Absent once purged. */
  @Prop({ type: String, index: true })
  keyId?: string;

  @Prop({ type: Date })
  purgedAt?: Date;

  @Prop({ type: Object })
  identification?: Identification;

  @Prop({ type: Date, required: true })
  receivedAt!: Date;

  /** The InformationDisclosed event the record came from. */
  @Prop({ type: String, required: true })
  sourceEventId!: string;

  /** Carried on to the events this request's changes emit. */
  @Prop({ type: String, required: true })
  correlationId!: string;

  @Prop({ type: [Object], default: [] })
  outbox!: OutboxEntry[];

  @Prop({ type: Boolean, default: false, index: true })
  outboxPending!: boolean;
}

export const DisclosureSchema = SchemaFactory.createForClass(DisclosureDocument);
