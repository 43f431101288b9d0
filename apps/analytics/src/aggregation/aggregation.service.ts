import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import type { Envelope } from '@feedback/contracts';
import { metricsRegistry } from '@feedback/observability';
import { AnalyticsSettings } from '../analytics-settings';
import { addCounts, emptyCounts, type Counts } from '../domain/aggregates.types';
import { COUNTED_EVENT_TYPES, contributionOf, type CountedEvent } from '../domain/contribution.policy';
import { planOverviewMonth } from '../domain/release.policy';
import { AggregatesRepository } from './adapters/mongo/aggregates.repository';

const counted = new Counter({
  name: 'analytics_events_total',
  help: 'Events read by analytics, by type and outcome (counted, duplicate, skipped)',
  labelNames: ['type', 'outcome'],
  registers: [metricsRegistry],
});

/** Turns events into day aggregates, and days into the overview's monthly rollups. */
@Injectable()
export class AggregationService {
  private readonly log = new Logger('Aggregation');

  constructor(
    private readonly repository: AggregatesRepository,
    private readonly settings: AnalyticsSettings,
  ) {}

  /** Counts one validated event (idempotent on its id). */
  async count(event: Envelope): Promise<void> {
    if (!COUNTED_EVENT_TYPES.has(event.type)) return;
    const decision = contributionOf({ type: event.type, data: event.data } as CountedEvent, this.settings.positionOf);
    if (decision.kind === 'skip') {
      counted.inc({ type: event.type, outcome: 'skipped' });
      this.log.debug(`not counting ${event.type} ${event.id}: ${decision.reason}`);
      return;
    }
    const fresh = await this.repository.apply(event.id, decision.contribution);
    counted.inc({ type: event.type, outcome: fresh ? 'counted' : 'duplicate' });
  }

  /** Rebuilds one month of the overview from its business-days: sums per day and the month's release plan. */
  async rebuildOverviewMonth(month: string, version: number): Promise<void> {
    const days = await this.repository.findMonthDays(month);
    const countsByDay = new Map<string, Counts>();
    for (const { cell, counts } of days) countsByDay.set(cell.day, addCounts(countsByDay.get(cell.day) ?? emptyCounts(), counts));
    const plan = planOverviewMonth(days.map((d) => d.cell), this.settings.minGroupSize);
    await this.repository.saveOverviewMonth({ month, k: this.settings.minGroupSize, countsByDay, plan }, version);
  }
}
