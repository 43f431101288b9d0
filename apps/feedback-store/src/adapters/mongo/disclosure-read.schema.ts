import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** The audit log of reads of shared details (I7): who, when, why. Kept after the values are purged. */
@Schema({ collection: 'disclosure_reads', versionKey: false })
export class DisclosureReadDocument {
  /** A random id: breaks ties between reads of the same millisecond in the newest-first order. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  requestId!: string;

  @Prop({ type: String, required: true })
  businessId!: string;

  @Prop({ type: String, required: true })
  readBy!: string;

  @Prop({ type: Date, required: true })
  readAt!: Date;

  @Prop({ type: String, required: true })
  purpose!: string;
}

export const DisclosureReadSchema = SchemaFactory.createForClass(DisclosureReadDocument);
DisclosureReadSchema.index({ requestId: 1, readAt: -1, _id: -1 });
