import { Injectable } from '@nestjs/common';
import { DomainError } from '@feedback/http';
import { AggregatesRepository } from '../aggregation/adapters/mongo/aggregates.repository';
import { AnalyticsSettings } from '../analytics-settings';
import type { Counts } from '../domain/aggregates.types';
import { monthOf, monthsIn, utcDay } from '../domain/calendar';
import { planBusinessMonth, type MonthPlan } from '../domain/release.policy';
import { decideRange, type RangeInput } from '../domain/stats-range.policy';
import { buildStats, type StatsBody } from '../domain/stats.policy';

/** Every day of a month whose rollup is not built yet: nothing of it is published until it is. */
const NOT_BUILT: MonthPlan = { spanningAtoms: [], blocked: 0x7fffffff };

/**
 * Reads stats. A business's figures come from its own business-days of the
 * months the range touches (at most 31 small documents per month); the
 * overview's from the monthly rollups (one document per month). Neither read
 * depends on how many events were counted.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly repository: AggregatesRepository,
    private readonly settings: AnalyticsSettings,
  ) {}

  private range(input: RangeInput) {
    const decision = decideRange(input, utcDay(new Date()));
    if (!decision.ok) {
      throw new DomainError(400, 'validation_failed', decision.fields.map((f) => `${f.field} ${f.problems.join(', ')}`).join('; '), { fields: decision.fields });
    }
    return decision.range;
  }

  async business(businessId: string, input: RangeInput): Promise<StatsBody> {
    const range = this.range(input);
    const k = this.settings.minGroupSize;
    const days = await this.repository.findBusinessDays(businessId, monthsIn(range.from, range.to), k);
    const countsByDay = new Map<string, Counts>(days.map((d) => [d.cell.day, d.counts]));
    const plans = new Map<string, MonthPlan>();
    for (const month of new Set(days.map((d) => monthOf(d.cell.day)))) {
      plans.set(month, planBusinessMonth(days.filter((d) => monthOf(d.cell.day) === month).map((d) => d.cell), k));
    }
    return buildStats({ businessId, ...range, k }, { countsByDay, plans, noise: this.settings.noise });
  }

  async overview(input: RangeInput): Promise<StatsBody> {
    const range = this.range(input);
    const k = this.settings.minGroupSize;
    const { built, pending } = await this.repository.findOverviewMonths(monthsIn(range.from, range.to), k);
    const countsByDay = new Map<string, Counts>();
    const plans = new Map<string, MonthPlan>();
    for (const month of built) {
      plans.set(month.month, month.plan);
      for (const [day, counts] of month.countsByDay) countsByDay.set(day, counts);
    }
    for (const month of pending) plans.set(month, NOT_BUILT);
    return buildStats({ businessId: null, ...range, k }, { countsByDay, plans, noise: this.settings.noise });
  }

  listBusinesses(): Promise<{ businessId: string; name?: string }[]> {
    return this.repository.listBusinesses();
  }
}
