import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { sharedFieldSchema, type SharedField } from '@feedback/contracts';
import { DETAILS_READ_PURPOSE } from '../../../domain/disclosure.policy';

const SHARED_FIELDS = sharedFieldSchema.options;

export class SharedValuesView {
  @ApiPropertyOptional({ example: 'pat@example.com' }) email?: string;
  @ApiPropertyOptional({ description: "shown to the reviewer under the business's own label (I4)", example: 'ORD-42' }) referenceNumber?: string;
  @ApiPropertyOptional({ example: 'Pat Doe' }) fullName?: string;
  @ApiPropertyOptional({ example: '+32 470 12 34 56' }) phone?: string;
}

export class SharedDetailsView {
  @ApiProperty() requestId!: string;
  @ApiProperty() reviewId!: string;
  @ApiProperty({ enum: SHARED_FIELDS, isArray: true, description: 'the fields the reviewer chose to share' }) sharedFields!: SharedField[];
  @ApiProperty({ type: SharedValuesView, description: 'the shared values; only the shared fields are present' }) details!: SharedValuesView;
  @ApiProperty({ format: 'date-time' }) providedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'when the values will be purged (DISCLOSURE_RETENTION after providedAt)' }) retentionEndsAt!: string;
}

export class DetailsReadView {
  @ApiProperty({ description: 'the business user (token `sub`) who read the details' }) readBy!: string;
  @ApiProperty({ format: 'date-time' }) readAt!: string;
  @ApiProperty({ example: DETAILS_READ_PURPOSE, description: 'always the one permitted purpose (I7)' }) purpose!: string;
}

export class DetailsReadsPageView {
  @ApiProperty({ type: DetailsReadView, isArray: true, description: 'newest first' }) items!: DetailsReadView[];
  @ApiPropertyOptional({ description: 'pass as `cursor` for the next page; absent on the last page' }) nextCursor?: string;
}

export class IdentificationView {
  @ApiProperty() requestId!: string;
  @ApiProperty() identified!: boolean;
  @ApiProperty({ description: 'the business user who recorded the current answer' }) recordedBy!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}
