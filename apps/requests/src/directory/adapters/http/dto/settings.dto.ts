import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

export class SharePromptDto {
  @ApiProperty({ description: 'offer the person to post publicly after answering (F9)' })
  @IsBoolean()
  enabled!: boolean;

  @ApiPropertyOptional({ description: 'where the person can post publicly, e.g. the business\'s review page' })
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true })
  @MaxLength(2000)
  url?: string;
}

/** `true`/`false` is short for `{enabled}`; objects become DTO instances so their fields are validated. */
function toSharePrompt(value: unknown): unknown {
  if (typeof value === 'boolean') return Object.assign(new SharePromptDto(), { enabled: value });
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return Object.assign(new SharePromptDto(), value);
  return value;
}

/** PUT /v1/businesses/:businessId/settings; a field left out keeps its value. */
export class UpdateSettingsDto {
  @ApiPropertyOptional({ example: 'Order number', description: 'the business\'s name for "reference number" (I4)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(60)
  referenceNumberLabel?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 30, description: 'days a person has to answer a feedback request (F5; default 7)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(30)
  feedbackWindowDays?: number;

  @ApiPropertyOptional({ type: SharePromptDto, description: '`true`/`false` is short for `{enabled}`' })
  @IsOptional()
  @Transform(({ obj }) => toSharePrompt((obj as { sharePrompt?: unknown }).sharePrompt))
  @ValidateNested()
  sharePrompt?: SharePromptDto;
}

export class SettingsView {
  @ApiPropertyOptional() referenceNumberLabel?: string;
  @ApiProperty() feedbackWindowDays!: number;
  @ApiProperty({ type: SharePromptDto }) sharePrompt!: SharePromptDto;
}
