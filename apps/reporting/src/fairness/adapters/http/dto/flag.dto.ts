import { PageQueryDto } from '@feedback/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

export class FlagQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'only this business\'s flags' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,200}$/, { message: 'businessId is not a valid id' })
  businessId?: string;

  @ApiPropertyOptional({ enum: ['active', 'cleared'] })
  @IsOptional()
  @IsIn(['active', 'cleared'])
  status?: 'active' | 'cleared';
}

export class FlagFiguresView {
  @ApiProperty() reports!: number;
  @ApiProperty({ description: 'reports of negative reviews (rating 1–2)' }) negativeReports!: number;
  @ApiProperty() reportsNegativeShare!: number;
  @ApiProperty() reviews!: number;
  @ApiProperty() negativeReviews!: number;
  @ApiProperty() reviewsNegativeShare!: number;
  @ApiProperty({ description: 'one-sided exact binomial p-value, P(X >= negativeReports)' }) pValue!: number;
  @ApiProperty({ format: 'date-time' }) evaluatedAt!: string;
}

export class FlagView {
  @ApiProperty({ description: '`<businessId>#<n>`: the business\'s n-th flag' }) id!: string;
  @ApiProperty() businessId!: string;
  @ApiProperty({ enum: ['active', 'cleared'], description: '`cleared` once a later evaluation was no longer significant' }) status!: string;
  @ApiProperty({ format: 'date-time' }) raisedAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) clearedAt?: string;
  @ApiProperty({ description: 'the report whose re-evaluation raised the flag' }) reportId!: string;
  @ApiProperty({ type: FlagFiguresView, description: 'the figures when the flag was raised' }) raisedWith!: FlagFiguresView;
  @ApiProperty({ type: FlagFiguresView, description: 'the figures of the latest evaluation while it was active' }) latest!: FlagFiguresView;
  @ApiProperty({ example: 'p < 0.01 in a one-sided exact binomial test, with at least 10 reports' }) method!: string;
}

export class FlagPage {
  @ApiProperty({ type: [FlagView] }) items!: FlagView[];
  @ApiPropertyOptional() nextCursor?: string;
}
