import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';

const ID = /^[A-Za-z0-9._:-]{1,200}$/;

/** F4: custom surveys have 2–10 distinct labels of 1–100 characters; csat and nps have none. */
@ValidatorConstraint({ name: 'surveyOptions' })
class SurveyOptionsRule implements ValidatorConstraintInterface {
  validate(options: unknown, args: ValidationArguments): boolean {
    const type = (args.object as { type?: string }).type;
    if (type !== 'custom') return options === undefined;
    return (
      Array.isArray(options) &&
      options.length >= 2 &&
      options.length <= 10 &&
      options.every((o) => typeof o === 'string' && o.trim().length >= 1 && o.length <= 100) &&
      new Set(options.map((o: string) => o.trim().toLowerCase())).size === options.length
    );
  }

  defaultMessage(args: ValidationArguments): string {
    return (args.object as { type?: string }).type === 'custom'
      ? 'options must be 2 to 10 distinct labels of 1 to 100 characters'
      : 'options are only for custom surveys';
  }
}

export class SurveyDto {
  @ApiProperty({ enum: ['csat', 'nps', 'custom'], description: 'csat: options 1–5; nps: 0–10; custom: 2–10 labelled options (F4)' })
  @IsIn(['csat', 'nps', 'custom'])
  type!: 'csat' | 'nps' | 'custom';

  @ApiPropertyOptional({ type: [String], minItems: 2, maxItems: 10, example: ['Fast', 'Friendly', 'Slow'], description: 'custom surveys only' })
  @Validate(SurveyOptionsRule)
  options?: string[];
}

export class CreateFeedbackRequestDto {
  @ApiProperty({ description: 'the private conversation the business had with the person (F1, F3)' })
  @IsString()
  @Matches(ID, { message: 'conversationId must be an id (letters, digits, . _ : -)' })
  conversationId!: string;

  @ApiProperty({ description: 'the person to ask' })
  @IsString()
  @Matches(ID, { message: 'userId must be an id (letters, digits, . _ : -)' })
  userId!: string;

  @ApiProperty({ type: SurveyDto })
  @ValidateNested()
  @Type(() => SurveyDto)
  survey!: SurveyDto;

  @ApiPropertyOptional({ default: false, description: 'F15: flows end to end but never counts in analytics' })
  @IsOptional()
  @IsBoolean()
  test?: boolean;
}

export class FeedbackRequestCreatedView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['pending'] }) status!: 'pending';
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class FeedbackRequestView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() businessId!: string;
  @ApiProperty() conversationId!: string;
  @ApiProperty() userId!: string;
  @ApiProperty({ description: 'the business user who sent it' }) requestedBy!: string;
  @ApiProperty({ type: SurveyDto }) survey!: SurveyDto;
  @ApiProperty() test!: boolean;
  @ApiProperty({ enum: ['pending', 'answered', 'declined', 'expired'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) answeredAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) declinedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) expiredAt?: string;
}

export class FeedbackRequestPage {
  @ApiProperty({ type: [FeedbackRequestView] }) items!: FeedbackRequestView[];
  @ApiPropertyOptional() nextCursor?: string;
}
