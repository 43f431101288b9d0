import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import type { Envelope } from '@feedback/contracts';
import { GroupCommit } from '@feedback/messaging';
import { metricsRegistry } from '@feedback/observability';
import { AnalyticsSettings } from '../analytics-settings';
import { addCounts, emptyCounts, type Counts } from '../domain/aggregates.types';
import { COUNTED_EVENT_TYPES, contributionOf, type CountedEvent } from '../domain/contribution.policy';
import { planOverviewMonth } from '../domain/release.policy';
import { AggregatesRepository, type EventContribution } from './adapters/mongo/aggregates.repository';

const counted = new Counter({
  name: 'analytics_events_total',
  help: 'Events read by analytics, by type and outcome (counted, duplicate, skipped)',
  labelNames: ['type', 'outcome'],
  registers: [metricsRegistry],
});

/** Most events counted by one write of the business-days (a batch of each of three partitions). */
const MAX_EVENTS_PER_WRITE = 6000;

/** Turns events into day aggregates, and days into the overview's monthly rollups. */
@Injectable()
export class AggregationService {
  private readonly log = new Logger('Aggregation');
  /**
   * The batches of the partitions consumed at once, counted together when they
   * arrive while a write is under way: the writes are one per business-day, so
   * three partitions' batches together cost about what one costs.
   */
  private readonly writes: GroupCommit<EventContribution, Set<string>>;

  constructor(
    private readonly repository: AggregatesRepository,
    private readonly settings: AnalyticsSettings,
  ) {
    this.writes = new GroupCommit((contributions) => this.repository.applyMany(contributions), MAX_EVENTS_PER_WRITE);
  }

  /** Counts one validated event (idempotent on its id). */
  count(event: Envelope): Promise<void> {
    return this.countMany([event]);
  }

  /** Counts validated events, a batch at a time (idempotent on each event id). */
  async countMany(events: readonly Envelope[]): Promise<void> {
    const contributions: EventContribution[] = [];
    const types = new Map<string, string>();
    for (const event of events) {
      if (!COUNTED_EVENT_TYPES.has(event.type)) continue;
      const decision = contributionOf({ type: event.type, data: event.data } as CountedEvent, this.settings.positionOf);
      if (decision.kind === 'skip') {
        counted.inc({ type: event.type, outcome: 'skipped' });
        this.log.debug(`not counting ${event.type} ${event.id}: ${decision.reason}`);
        continue;
      }
      contributions.push({ eventId: event.id, contribution: decision.contribution });
      types.set(event.id, event.type);
    }
    const fresh = contributions.length > 0 ? await this.writes.submit(contributions) : new Set<string>();
    for (const [eventId, type] of types) counted.inc({ type, outcome: fresh.has(eventId) ? 'counted' : 'duplicate' });
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
