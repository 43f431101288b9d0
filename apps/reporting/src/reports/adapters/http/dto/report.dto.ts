import { PageQueryDto } from '@feedback/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const REASONS = ['not_genuine_experience', 'spam', 'harmful', 'conflict_of_interest', 'other'] as const;
const STATUSES = ['open', 'removed', 'kept'] as const;

export class CreateReportDto {
  @ApiProperty({ enum: REASONS, description: '`not_genuine_experience` needs an unlocking information request (R1) within 12 months of publication (R2)' })
  @IsIn(REASONS)
  reason!: (typeof REASONS)[number];

  @ApiPropertyOptional({ maxLength: 2000, description: 'what the business wants the integrity team to know' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  details?: string;
}

export class DecisionDto {
  @ApiProperty({ enum: ['removed', 'kept'] })
  @IsIn(['removed', 'kept'])
  decision!: 'removed' | 'kept';
}

export class BusinessReportQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];
}

export class IntegrityReportQueryDto extends BusinessReportQueryDto {
  @ApiPropertyOptional({ description: 'only this business\'s reports' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,200}$/, { message: 'businessId is not a valid id' })
  businessId?: string;
}

export class ReportCreatedView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['open'] }) status!: 'open';
  @ApiPropertyOptional({ format: 'date-time', description: 'not_genuine_experience: until when the reviewer may send documentation (R3)' })
  documentationDeadline?: string;
}

/** What a business sees of its own report: never the reviewer's documentation (R7). */
export class BusinessReportView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() businessId!: string;
  @ApiProperty() reviewId!: string;
  @ApiProperty({ enum: REASONS }) reason!: string;
  @ApiPropertyOptional() details?: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ description: 'the business user who reported' }) reportedBy!: string;
  @ApiProperty({ format: 'date-time' }) reportedAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) decidedAt?: string;
}

export class SelectiveReportingMeterView {
  @ApiProperty() reports!: number;
  @ApiProperty({ description: 'reports of negative reviews (rating 1–2)' }) negativeReports!: number;
  @ApiProperty({ description: 'negativeReports / reports (0 when there are none)' }) reportsNegativeShare!: number;
  @ApiProperty() reviews!: number;
  @ApiProperty({ description: 'reviews rated 1–2' }) negativeReviews!: number;
  @ApiProperty({ description: 'negativeReviews / reviews (0 when there are none)' }) reviewsNegativeShare!: number;
  @ApiProperty({ description: 'the business is flagged for selective reporting (R6)' }) flagged!: boolean;
  @ApiProperty({ nullable: true, type: Number, description: 'one-sided exact binomial p-value; null with no reports' }) pValue!: number | null;
  @ApiProperty({ example: 0.01 }) significanceLevel!: number;
  @ApiProperty({ example: 10 }) minimumReports!: number;
  @ApiProperty({ enum: ['ok', 'caution', 'flagged'], description: '`caution`: p < 0.05, heading for a flag' }) level!: string;
  @ApiProperty({ description: 'the meter in words, for the business' }) message!: string;
}

export class BusinessReportPage {
  @ApiProperty({ type: [BusinessReportView] }) items!: BusinessReportView[];
  @ApiPropertyOptional() nextCursor?: string;
  @ApiProperty({ type: SelectiveReportingMeterView }) selectiveReportingMeter!: SelectiveReportingMeterView;
}

export class ReviewEvidenceView {
  @ApiProperty() reviewId!: string;
  @ApiProperty() reviewerId!: string;
  @ApiProperty({ description: 'rating when reported' }) rating!: number;
  @ApiProperty({ enum: ['organic', 'invited'] }) source!: string;
  @ApiProperty() language!: string;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
}

export class IdentificationView {
  @ApiProperty({ description: 'false: the business could not identify the person from the shared details' }) identified!: boolean;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class InformationRequestEvidenceView {
  @ApiProperty() requestId!: string;
  @ApiProperty({ enum: ['pending', 'answered', 'declined', 'expired'] }) outcome!: string;
  @ApiPropertyOptional() requestedBy?: string;
  @ApiPropertyOptional({ format: 'date-time' }) requestedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) expiresAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) concludedAt?: string;
  @ApiPropertyOptional({ isArray: true, type: String, description: 'names of the shared fields, never their values' }) sharedFields?: string[];
  @ApiPropertyOptional({ type: IdentificationView }) identification?: IdentificationView;
}

export class DocumentationFileView {
  @ApiProperty({ enum: ['application/pdf', 'image/png', 'image/jpeg'], description: 'detected from the content' }) contentType!: string;
  @ApiProperty() size!: number;
  @ApiProperty({ description: 'download route (integrity only)' }) url!: string;
}

export class DocumentationView {
  @ApiProperty({ enum: ['requested', 'submitted', 'expired'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) submittedAt?: string;
  @ApiPropertyOptional({ description: 'the reviewer\'s description (stored encrypted)' }) description?: string;
  @ApiPropertyOptional({ type: DocumentationFileView }) file?: DocumentationFileView;
}

export class IntegrityEvidenceView {
  @ApiProperty({ type: ReviewEvidenceView }) review!: ReviewEvidenceView;
  @ApiProperty({ type: [InformationRequestEvidenceView], description: 'every information request about the review, oldest first' })
  informationRequests!: InformationRequestEvidenceView[];
  @ApiPropertyOptional({ type: DocumentationView, description: 'not_genuine_experience only (R3)' }) documentation?: DocumentationView;
}

/** What the integrity team sees: the report with its evidence (R5, R7). */
export class IntegrityReportView extends BusinessReportView {
  @ApiPropertyOptional({ description: 'the integrity team member who decided' }) decidedBy?: string;
  @ApiProperty({ type: IntegrityEvidenceView }) evidence!: IntegrityEvidenceView;
}

export class IntegrityReportPage {
  @ApiProperty({ type: [IntegrityReportView] }) items!: IntegrityReportView[];
  @ApiPropertyOptional() nextCursor?: string;
}
