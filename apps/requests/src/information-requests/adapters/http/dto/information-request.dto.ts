import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '@feedback/http';

/** Body of POST .../information-requests: nothing to set, the message is standard (I3). */
export class CreateInformationRequestDto {}

export class ListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'answered', 'declined', 'expired'] })
  @IsOptional()
  @IsIn(['pending', 'answered', 'declined', 'expired'])
  status?: 'pending' | 'answered' | 'declined' | 'expired';
}

export class InformationRequestCreatedView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['pending'] }) status!: 'pending';
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class InformationRequestOutcomeView {
  @ApiPropertyOptional({ enum: ['email', 'referenceNumber', 'fullName', 'phone'], isArray: true, description: 'names of the shared fields; the values are read from feedback-store' })
  sharedFields?: string[];
  @ApiPropertyOptional({ format: 'date-time' }) answeredAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) declinedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) expiredAt?: string;
  @ApiProperty({ description: 'true once the review may be reported as not based on a genuine experience (expired or declined, I8/R1)' })
  notGenuineReportUnlocked!: boolean;
}

export class InformationRequestView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() businessId!: string;
  @ApiProperty() reviewId!: string;
  @ApiProperty({ description: 'the business user who asked' }) requestedBy!: string;
  @ApiProperty({ enum: ['pending', 'answered', 'declined', 'expired'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: InformationRequestOutcomeView }) outcome!: InformationRequestOutcomeView;
}

export class InformationRequestPage {
  @ApiProperty({ type: [InformationRequestView] }) items!: InformationRequestView[];
  @ApiPropertyOptional() nextCursor?: string;
}
