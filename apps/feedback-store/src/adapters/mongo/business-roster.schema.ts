import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { BusinessRole } from '../../domain/business-roster.types';

/** Users of one business and their roles, from its latest profile. Ids and roles only: no contact details. */
@Schema({ collection: 'business_rosters', versionKey: false })
export class BusinessRosterDocument {
  /** The businessId. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: [Object], required: true })
  users!: { userId: string; role: BusinessRole }[];

  @Prop({ type: Date, required: true })
  asOf!: Date;

  @Prop({ type: String, required: true })
  sourceEventId!: string;

  @Prop({ type: Date, required: true })
  updatedAt!: Date;
}

export const BusinessRosterSchema = SchemaFactory.createForClass(BusinessRosterDocument);
