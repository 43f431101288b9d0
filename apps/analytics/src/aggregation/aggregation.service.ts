import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import type { Envelope } from '@feedback/contracts';
import { GroupCommit } from '@feedback/messaging';
import { metricsRegistry } from '@feedback/observability';
import { AnalyticsSettings } from '../analytics-settings';
import { COUNTED_EVENT_TYPES, contributionOf, type CountedEvent } from '../domain/contribution.policy';
import { refoldSums, sumParts, type PartCounts } from '../domain/overview-sums';
import { combineOverviewParts, overviewPartOf } from '../domain/release.policy';
import { AggregatesRepository, type EventContribution, type OverviewBusinessPart, type StoredDay } from './adapters/mongo/aggregates.repository';

const counted = new Counter({
  name: 'analytics_events_total',
  help: 'Events read by analytics, by type and outcome (counted, duplicate, skipped)',
  labelNames: ['type', 'outcome'],
  registers: [metricsRegistry],
});

/**
 * Most events handed to counting and not yet stored (the consumer reads on
 * while earlier batches are stored), and so the most one write of the
 * business-days counts: a lane catching up writes what waits at once. It
 * trades speed for memory (bench pipeline, `--only` runs: 3,000 35.9 s and
 * 227 MB peak RSS, 6,000 31.7 s and 247 MB, 8,000 32.2 s and 241 MB; 36.1 s
 * and 216 MB reading only after each write): 6,000 keeps analytics inside its
 * 256 MB goal in a full run (253 MB measured).
 */
export const MAX_PENDING_EVENTS = 6000;

/**
 * Writes under way at once, each for its own share of the business-days. One
 * write at a time left analytics waiting on the store for most of a batch (its
 * steps are round trips: read the days, look up the records, write the days,
 * insert the record), and analytics is the last to finish the bench's pipeline.
 */
export const WRITE_LANES = 2;

/**
 * Batches smaller than this are written whole by the first lane. Split, the
 * steady flow's small batches (tens of events at 1,000 events/s) cost two
 * writes' round trips for one write's events: latency p99 +25 ms, measured.
 * Batches of a backlog are up to 2,000 events a partition.
 */
export const LANE_SPLIT_MIN = 500;

/**
 * The lane that writes a business-day in a split batch: always the same one, so
 * two writes under way at once do not plan against the same day (they would not
 * count an event twice, since every write is a compare-and-set as between two
 * instances, but the loser would read and write its days again).
 */
export function laneOf(businessId: string, day: string, lanes: number): number {
  let hash = 0;
  for (const text of [businessId, day]) for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return (hash >>> 0) % lanes;
}

/** Each lane's share of a batch: all of it in the first lane when small, else by laneOf. */
export function sharesByLane<T extends { contribution: { businessId: string; day: string } }>(events: readonly T[], lanes: number, splitMin = LANE_SPLIT_MIN): T[][] {
  const shares = Array.from({ length: lanes }, () => [] as T[]);
  if (events.length < splitMin) shares[0]!.push(...events);
  else for (const event of events) shares[laneOf(event.contribution.businessId, event.contribution.day, lanes)]!.push(event);
  return shares;
}

/** Turns events into day aggregates, and days into the overview's monthly rollups. */
@Injectable()
export class AggregationService {
  private readonly log = new Logger('Aggregation');
  /**
   * Per lane (laneOf), the batches of the partitions consumed at once, counted
   * together when they arrive while a write is under way: the writes are one
   * per business-day, so three partitions' batches together cost about what
   * one costs.
   */
  private readonly lanes: GroupCommit<EventContribution, Set<string>>[];

  constructor(
    private readonly repository: AggregatesRepository,
    private readonly settings: AnalyticsSettings,
  ) {
    this.lanes = Array.from({ length: WRITE_LANES }, () => new GroupCommit((contributions: EventContribution[]) => this.repository.applyMany(contributions), MAX_PENDING_EVENTS));
  }

  /** Counts one validated event (idempotent on its id). */
  count(event: Envelope): Promise<void> {
    return this.countMany([event]);
  }

  /**
   * Counts validated events, a batch at a time (idempotent on each event id).
   * Not an async function: what the returned promise holds until the counts are
   * stored is the contributions, not the events (the consumer keeps thousands
   * of events' worth of writes in hand).
   */
  countMany(events: readonly Envelope[]): Promise<void> {
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
    return this.write(contributions).then((fresh) => {
      for (const [eventId, type] of types) counted.inc({ type, outcome: fresh.has(eventId) ? 'counted' : 'duplicate' });
    });
  }

  /** Each lane's share of the contributions, written at once; the ids counted now (not before). */
  private async write(contributions: readonly EventContribution[]): Promise<Set<string>> {
    const shares = sharesByLane(contributions, this.lanes.length);
    // Every lane has finished before the batch is done or failed: a lane that fails fails the batch, which
    // is delivered again, and what the other lanes counted is then found recorded.
    const outcomes = await Promise.allSettled(shares.map((share, lane) => (share.length > 0 ? this.lanes[lane]!.submit(share) : new Set<string>())));
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return new Set(outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [...outcome.value] : [])));
  }

  /**
   * Rebuilds one month of the overview. The parts of the businesses whose days
   * changed since their part was built are made again from their days; the
   * month's sums are refolded with those parts (overview-sums.ts) and its
   * release plan combined from every business's plan part. What is read is the
   * changed businesses' days and parts, and every business's small plan part.
   *
   * A part is current when the sum of the revs it was built from is at least
   * the month's sum now. Each day's rev only grows, so a part at least that far
   * either holds every write the sum holds, or holds some later write instead,
   * whose version bump then keeps (or makes again) the month dirty: the rebuild
   * that follows finds the part behind and makes it again.
   */
  async rebuildOverviewMonth(month: string, version: number): Promise<void> {
    const k = this.settings.minGroupSize;
    const [revisions, plans, sums] = await Promise.all([
      this.repository.monthRevisions(month),
      this.repository.findOverviewPartPlans(month),
      this.repository.findMonthSums(month),
    ]);
    const behind = new Set(
      [...revisions]
        .filter(([businessId, revs]) => {
          const plan = plans.get(businessId);
          return !plan || plan.k !== k || plan.revs < revs;
        })
        .map(([businessId]) => businessId),
    );
    // The parts the sums hold of the businesses to fold again: taken out before their new ones go in.
    const refolding = [...sums.folded].filter(([businessId, revs]) => behind.has(businessId) || plans.get(businessId)?.revs !== revs).map(([businessId]) => businessId);
    const [previous, days] = await Promise.all([
      this.repository.findOverviewPartCounts(month, refolding),
      behind.size > 0 ? this.repository.findMonthDaysOf(month, [...behind], k) : [],
    ]);
    const daysOf = new Map<string, StoredDay[]>([...behind].map((businessId) => [businessId, []]));
    for (const day of days) daysOf.get(day.cell.businessId)?.push(day);
    const rebuilt = [...daysOf].map(([businessId, own]) => businessPart(month, businessId, own, k));
    await this.repository.saveOverviewParts(rebuilt);
    for (const part of rebuilt) plans.set(part.businessId, part);

    const current = new Map([...revisions.keys()].map((businessId) => [businessId, plans.get(businessId)!.revs]));
    const refolded =
      refoldSums(sums, current, [...previous, ...rebuilt]) ??
      // A part the sums hold was replaced by another rollup meanwhile: sum every part from nothing.
      sumParts(latestParts([...(await this.repository.findOverviewPartCounts(month)), ...rebuilt]).filter((p) => current.has(p.businessId)));
    const plan = combineOverviewParts([...current.keys()].map((businessId) => plans.get(businessId)!.part), k);
    await this.repository.saveOverviewMonth({ month, k, plan, ...refolded }, version, sums.foldRev);
  }
}

/** The latest part of each business among stored and just rebuilt ones (either may be the later, if two rollups raced). */
function latestParts(parts: readonly PartCounts[]): PartCounts[] {
  const byBusiness = new Map<string, PartCounts>();
  for (const part of parts) if ((byBusiness.get(part.businessId)?.revs ?? -1) < part.revs) byBusiness.set(part.businessId, part);
  return [...byBusiness.values()];
}

/** One business's part of a month's overview, from its days of that month. */
function businessPart(month: string, businessId: string, days: readonly StoredDay[], k: number): OverviewBusinessPart {
  return {
    month,
    businessId,
    k,
    revs: days.reduce((sum, d) => sum + d.rev, 0),
    countsByDay: new Map(days.map((d) => [d.cell.day, d.counts])),
    part: overviewPartOf(days.map((d) => d.cell), k),
  };
}
