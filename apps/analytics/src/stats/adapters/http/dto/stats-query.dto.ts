import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** `from` and `to` are UTC dates, both included (DESIGN.md 3.3); their calendar checks live in stats-range.policy. */
export class StatsQueryDto {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'first UTC day (YYYY-MM-DD); default: 29 days before `to`' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'last UTC day, included (YYYY-MM-DD); default: today' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  to?: string;

  @ApiPropertyOptional({ enum: ['day', 'week', 'month'], default: 'day', description: 'buckets: UTC days, ISO weeks (Monday–Sunday) or calendar months, clipped to the range' })
  @IsOptional()
  @IsIn(['day', 'week', 'month'], { message: 'granularity must be day, week or month' })
  granularity?: 'day' | 'week' | 'month';
}
