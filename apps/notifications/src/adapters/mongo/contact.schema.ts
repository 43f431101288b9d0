import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Sealed } from '@feedback/pii';

/** Stored contact: email and name sealed with the PII key ring (encrypted at rest). */
@Schema({ collection: 'contacts', versionKey: false })
export class ContactDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Object, required: true })
  sealedEmail!: Sealed;

  @Prop({ type: Object, required: true })
  sealedDisplayName!: Sealed;

  @Prop({ type: String, required: true })
  preferredLanguage!: string;

  @Prop({ type: Date, required: true })
  asOf!: Date;

  @Prop({ type: String, required: true })
  sourceEventId!: string;

  @Prop({ type: Date, required: true })
  updatedAt!: Date;
}

export const ContactSchema = SchemaFactory.createForClass(ContactDocument);
