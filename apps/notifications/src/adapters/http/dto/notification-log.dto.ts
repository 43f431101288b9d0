import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@feedback/http';
import { FINAL_STATUSES, type FinalStatus } from '../../../domain/delivery.types';

export class NotificationLogQuery {
  @ApiPropertyOptional({ description: 'Email address of the recipient (matched case-insensitively)', example: 'ann@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  @Matches(/^[^\s@]+@[^\s@]+$/, { message: 'recipient must be an email address' })
  recipient?: string;

  @ApiPropertyOptional({ enum: FINAL_STATUSES })
  @IsOptional()
  @IsIn(FINAL_STATUSES)
  status?: FinalStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export class NotificationView {
  @ApiProperty({ description: 'Key of its EmailSent / EmailFailed event on notifications.v1', format: 'uuid' })
  notificationId!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The address, in full when the query named it, else masked (a***@example.com); null when no address was known',
    example: 'ann@example.com',
  })
  recipient!: string | null;

  @ApiPropertyOptional({ description: 'The recipient user (person or business user)' })
  userId?: string;

  @ApiProperty({ example: 'information-request', description: '`information-request`, `information-outcome`, `feedback-request`' })
  kind!: string;

  @ApiProperty({ example: 'nl', description: 'Language the email was written in (its Content-Language)' })
  language!: string;

  @ApiProperty({ enum: FINAL_STATUSES })
  status!: FinalStatus;

  @ApiProperty({ description: 'Attempts at handing the email to the mail server', minimum: 1 })
  attempts!: number;

  @ApiPropertyOptional({ description: 'Why it failed (never contains the address), e.g. `recipient unknown`' })
  reason?: string;

  @ApiProperty({ format: 'date-time', description: 'When it was sent or given up' })
  at!: string;
}

export class NotificationPage {
  @ApiProperty({ type: [NotificationView] })
  items!: NotificationView[];

  @ApiPropertyOptional({ description: 'Pass as ?cursor for the next page; absent on the last page' })
  nextCursor?: string;
}
