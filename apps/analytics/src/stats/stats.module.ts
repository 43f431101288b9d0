import { Module } from '@nestjs/common';
import { StatsController } from './adapters/http/stats.controller';
import { StatsService } from './stats.service';

/** The stats API (DESIGN.md 3.3, analytics). */
@Module({
  controllers: [StatsController],
  providers: [StatsService],
})
export class StatsModule {}
