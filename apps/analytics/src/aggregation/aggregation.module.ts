import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AnalyticsEventsConsumer } from './adapters/kafka/analytics-events.consumer';
import {
  APPLIED_BATCHES,
  APPLIED_EVENTS,
  BUSINESS_DAYS,
  BUSINESS_NAMES,
  OVERVIEW_MONTHS,
  OVERVIEW_PARTS,
  appliedBatchSchema,
  appliedEventSchema,
  businessDaySchema,
  businessNameSchema,
  overviewMonthSchema,
  overviewPartSchema,
} from './adapters/mongo/aggregates.schema';
import { AggregatesRepository } from './adapters/mongo/aggregates.repository';
import { AggregationService } from './aggregation.service';
import { OverviewRollupSweeper } from './overview-rollup.sweeper';

/** From events to stored aggregates: per business-day counts and the overview's monthly rollups. */
@Global()
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: BUSINESS_DAYS, schema: businessDaySchema },
      { name: APPLIED_BATCHES, schema: appliedBatchSchema },
      { name: APPLIED_EVENTS, schema: appliedEventSchema },
      { name: OVERVIEW_MONTHS, schema: overviewMonthSchema },
      { name: OVERVIEW_PARTS, schema: overviewPartSchema },
      { name: BUSINESS_NAMES, schema: businessNameSchema },
    ]),
  ],
  controllers: [AnalyticsEventsConsumer],
  providers: [AggregatesRepository, AggregationService, OverviewRollupSweeper],
  exports: [AggregatesRepository],
})
export class AggregationModule {}
