import { Injectable } from '@nestjs/common';
import { PeriodicSweep } from '@feedback/service-kit';
import { AnalyticsSettings } from '../analytics-settings';
import { AggregatesRepository } from './adapters/mongo/aggregates.repository';
import { AggregationService } from './aggregation.service';

/**
 * Keeps the overview's monthly rollups current: every ANALYTICS_ROLLUP_INTERVAL
 * it rebuilds the months whose business-days changed, reading again only the
 * days of the businesses that changed (AggregationService.rebuildOverviewMonth).
 * The overview is then read from a dozen small documents, whatever the number
 * of events or businesses. Several instances may rebuild the same month: the
 * result is the same.
 */
@Injectable()
export class OverviewRollupSweeper extends PeriodicSweep {
  constructor(
    private readonly aggregation: AggregationService,
    private readonly repository: AggregatesRepository,
    private readonly settings: AnalyticsSettings,
  ) {
    super('OverviewRollup', 'overview rollup');
  }

  override onApplicationBootstrap(): void {
    this.repository.markBuiltForOtherK(this.settings.minGroupSize).catch((error: Error) => this.log.warn(`cannot check the rollups' k yet: ${error.message}`));
    this.repository.giveEveryDayAPeopleSet().catch((error: Error) => this.log.warn(`cannot give every day a set of positions yet: ${error.message}`));
    super.onApplicationBootstrap();
  }

  protected intervalMs(): number {
    return this.settings.rollupIntervalMs;
  }

  protected async run(): Promise<void> {
    for (const { month, version } of await this.repository.findDirtyMonths()) await this.aggregation.rebuildOverviewMonth(month, version);
  }
}
