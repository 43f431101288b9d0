import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Sealed } from '@feedback/pii';

/** A business user as stored: the address sealed, bound to the business and the user. */
export interface StoredBusinessUser {
  userId: string;
  sealedEmail: Sealed;
  preferredLanguage: string;
  role: 'admin' | 'member';
}

/** The latest profile of a business (upstream.businesses.v1), replaced whole by a newer one. */
@Schema({ collection: 'businesses', versionKey: false })
export class BusinessDocument {
  /** The business id. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  name!: string;

  @Prop({ type: String })
  privacyPolicyUrl?: string;

  @Prop({ type: String })
  referenceNumberLabel?: string;

  @Prop({ type: [Object], required: true, default: [] })
  users!: StoredBusinessUser[];

  @Prop({ type: Date, required: true })
  asOf!: Date;

  @Prop({ type: String, required: true })
  sourceEventId!: string;

  @Prop({ type: Date, required: true })
  updatedAt!: Date;
}

export const BusinessSchema = SchemaFactory.createForClass(BusinessDocument);
