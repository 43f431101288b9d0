import { randomUUID } from 'node:crypto';
import type { Envelope } from '@feedback/contracts';
import type { AnalyticsSettings } from '../analytics-settings';
import type { Counts } from '../domain/aggregates.types';
import type { Contribution } from '../domain/contribution.policy';
import { sketchPositions } from '../domain/people-sketch';
import { planOverviewMonth } from '../domain/release.policy';
import type { AggregatesRepository, OverviewBusinessPart, OverviewMonth, StoredDay } from './adapters/mongo/aggregates.repository';
import { AggregationService, LANE_SPLIT_MIN, laneOf, sharesByLane, WRITE_LANES } from './aggregation.service';

function fakeRepository() {
  const applied: { eventId: string; contribution: Contribution }[] = [];
  const repository = {
    applyMany: async (events: { eventId: string; contribution: Contribution }[]) => {
      const fresh = new Set<string>();
      for (const { eventId, contribution } of events) {
        if (applied.some((a) => a.eventId === eventId)) continue;
        applied.push({ eventId, contribution });
        fresh.add(eventId);
      }
      return fresh;
    },
  } as unknown as AggregatesRepository;
  return { applied, repository };
}

const settings = { minGroupSize: 10, positionOf: sketchPositions('unit-test-sketch-key-0123456789abcdef'), rollupIntervalMs: 1000 } as AnalyticsSettings;
const envelope = (type: string, data: Record<string, unknown>): Envelope => ({ id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), source: 'requests', correlationId: randomUUID(), data });

describe('AggregationService.count', () => {
  const request = { requestId: 'r1', businessId: 'b1', test: false, conversationId: 'c1', userId: 'u1', requestedBy: 'a1', survey: { type: 'csat' }, requestedAt: '2031-03-03T10:00:00Z', expiresAt: '2031-03-10T10:00:00Z' };

  it('hands the contribution of a counted event to the repository, keyed by the event id', async () => {
    const { applied, repository } = fakeRepository();
    const service = new AggregationService(repository, settings);
    const event = envelope('FeedbackRequested', request);
    await service.count(event);
    await service.count(event);
    expect(applied).toEqual([{ eventId: event.id, contribution: { businessId: 'b1', day: '2031-03-03', counters: ['feedback.requested'], customLabels: [], people: [settings.positionOf('u1')] } }]);
  });

  it('ignores test requests, erasures and events that count nothing', async () => {
    const { applied, repository } = fakeRepository();
    const service = new AggregationService(repository, settings);
    await service.count(envelope('FeedbackRequested', { ...request, test: true }));
    await service.count(envelope('FeedbackErased', { requestId: 'r1', businessId: 'b1', erasedBy: 'a1', erasedAt: '2031-03-04T10:00:00Z' }));
    await service.count(envelope('DocumentationRequested', { reportId: 'p1', businessId: 'b1', reviewId: 'v1', reviewerId: 'x', requestedAt: '2031-03-04T10:00:00Z', expiresAt: '2031-03-11T10:00:00Z' }));
    expect(applied).toEqual([]);
  });
});

describe('AggregationService.countMany: write lanes', () => {
  const requested = (businessId: string, day: string) =>
    envelope('FeedbackRequested', { requestId: randomUUID(), businessId, test: false, conversationId: randomUUID(), userId: randomUUID(), requestedBy: 'a1', survey: { type: 'csat' }, requestedAt: `${day}T10:00:00Z`, expiresAt: '2031-04-30T10:00:00Z' });
  const days = Array.from({ length: 28 }, (_, i) => `2031-03-${String(i + 1).padStart(2, '0')}`);
  /** A batch large enough to be split: every day, each with enough events. */
  const largeBatch = () => Array.from({ length: Math.ceil(LANE_SPLIT_MIN / days.length) }, () => days.map((day) => requested('b1', day))).flat();

  /** applyMany calls that finish when told to (or fail, for a chosen business-day). */
  function heldRepository(failFor?: string) {
    const calls: { cells: string[]; finish: () => void }[] = [];
    const counted = new Set<string>();
    const repository = {
      applyMany: (events: { eventId: string; contribution: Contribution }[]) =>
        new Promise<Set<string>>((resolve, reject) => {
          const cells = [...new Set(events.map((e) => `${e.contribution.businessId}|${e.contribution.day}`))];
          calls.push({
            cells,
            finish: () => {
              if (failFor && cells.includes(failFor)) return reject(new Error(`store refused ${failFor}`));
              const fresh = new Set(events.map((e) => e.eventId).filter((id) => !counted.has(id)));
              for (const id of fresh) counted.add(id);
              resolve(fresh);
            },
          });
        }),
    } as unknown as AggregatesRepository;
    return { calls, counted, repository };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('gives a business-day always the same lane, and uses every lane', () => {
    const lanes = days.map((day) => laneOf('b1', day, WRITE_LANES));
    expect(days.map((day) => laneOf('b1', day, WRITE_LANES))).toEqual(lanes);
    expect(new Set(lanes).size).toBe(WRITE_LANES);
  });

  it('writes a small batch whole, in one lane', () => {
    const small = days.map((day) => ({ contribution: { businessId: 'b1', day } }));
    expect(sharesByLane(small, WRITE_LANES).map((share) => share.length)).toEqual([days.length, ...Array(WRITE_LANES - 1).fill(0)]);
  });

  it('writes the lanes of a large batch at once, each with its own business-days only', async () => {
    const { calls, repository } = heldRepository();
    const service = new AggregationService(repository, settings);
    const counting = service.countMany(largeBatch());
    await settle();
    expect(calls).toHaveLength(WRITE_LANES);
    const laneOfCell = (cell: string) => laneOf(cell.split('|')[0]!, cell.split('|')[1]!, WRITE_LANES);
    for (const call of calls) expect(new Set(call.cells.map(laneOfCell)).size).toBe(1);
    expect(calls.flatMap((c) => c.cells).sort()).toEqual(days.map((day) => `b1|${day}`).sort());
    for (const call of calls) call.finish();
    await counting;
  });

  it('fails the batch when one lane fails, only once every lane has finished', async () => {
    const failing = `b1|${days[0]}`;
    const { calls, counted, repository } = heldRepository(failing);
    const service = new AggregationService(repository, settings);
    let outcome: string | undefined;
    const counting = service.countMany(largeBatch()).then(
      () => (outcome = 'done'),
      (error: Error) => (outcome = error.message),
    );
    await settle();
    const failingCall = calls.find((c) => c.cells.includes(failing))!;
    const otherCall = calls.find((c) => c !== failingCall)!;
    failingCall.finish();
    await settle();
    expect(outcome).toBeUndefined(); // the other lane is still writing
    otherCall.finish();
    await counting;
    expect(outcome).toBe(`store refused ${failing}`);
    // What the other lane counted stays counted; the redelivered batch finds it so.
    expect(counted.size).toBeGreaterThan(0);
    expect(counted.size).toBe(new Set(otherCall.cells).size * Math.ceil(LANE_SPLIT_MIN / days.length));
  });
});

/** The rollup's reads and writes over plain maps, recording which businesses' days were read. */
function rollupRepository(days: StoredDay[]) {
  const parts = new Map<string, OverviewBusinessPart>();
  const month: { sums?: { countsByDay: Map<string, Counts>; folded: Map<string, number> }; foldRev: number | null; saved?: OverviewMonth } = { foldRev: null };
  const daysRead: string[][] = [];
  const repository = {
    monthRevisions: async () => {
      const revs = new Map<string, number>();
      for (const d of days) revs.set(d.cell.businessId, (revs.get(d.cell.businessId) ?? 0) + d.rev);
      return revs;
    },
    findOverviewPartPlans: async () => new Map([...parts].map(([b, p]) => [b, { businessId: b, revs: p.revs, k: p.k, part: p.part }])),
    findMonthSums: async () => ({ countsByDay: new Map(month.sums?.countsByDay), folded: new Map(month.sums?.folded), foldRev: month.foldRev }),
    findOverviewPartCounts: async (_m: string, businessIds?: string[]) => [...parts.values()].filter((p) => !businessIds || businessIds.includes(p.businessId)),
    findMonthDaysOf: async (_m: string, businessIds: string[]) => {
      daysRead.push([...businessIds].sort());
      return days.filter((d) => businessIds.includes(d.cell.businessId));
    },
    saveOverviewParts: async (rebuilt: OverviewBusinessPart[]) => void rebuilt.forEach((p) => parts.set(p.businessId, p)),
    saveOverviewMonth: async (built: OverviewMonth & { folded: Map<string, number> }, _version: number, foldRev: number | null) => {
      if (foldRev !== month.foldRev) return false;
      month.sums = { countsByDay: built.countsByDay, folded: built.folded };
      month.saved = built;
      month.foldRev = (foldRev ?? 0) + 1;
      return true;
    },
  } as unknown as AggregatesRepository;
  return { repository, daysRead, month, parts };
}

const storedDay = (businessId: string, day: string, people: number[], requested: number, rev: number): StoredDay => ({
  cell: { businessId, day, hasData: requested > 0, people },
  counts: { counters: { 'feedback.requested': requested }, custom: {} },
  rev,
});
const persons = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('AggregationService.rebuildOverviewMonth', () => {
  const withK = (minGroupSize: number) => ({ ...settings, minGroupSize }) as AnalyticsSettings;

  it('reads again only the days of the businesses that changed, and sums and plans the month as from every day', async () => {
    const days = [storedDay('a', '2031-03-03', persons(0, 12), 12, 1), storedDay('b', '2031-03-03', persons(100, 3), 3, 1), storedDay('c', '2031-03-04', persons(200, 10), 10, 1)];
    const { repository, daysRead, month } = rollupRepository(days);
    const service = new AggregationService(repository, settings);
    await service.rebuildOverviewMonth('2031-03', 1);
    expect(daysRead).toEqual([['a', 'b', 'c']]);

    // b gets eight more people on its day: only b is read again.
    days[1] = storedDay('b', '2031-03-03', persons(100, 11), 11, 2);
    await service.rebuildOverviewMonth('2031-03', 2);
    expect(daysRead).toEqual([['a', 'b', 'c'], ['b']]);
    expect(month.saved!.countsByDay.get('2031-03-03')!.counters['feedback.requested']).toBe(23);
    expect(month.saved!.plan).toEqual(planOverviewMonth(days.map((d) => d.cell), 10));

    // Nothing changed: no day is read, the month is the same.
    await service.rebuildOverviewMonth('2031-03', 3);
    expect(daysRead).toHaveLength(2);
  });

  it('plans every business again when k changes (ANALYTICS_MIN_GROUP_SIZE), its days unchanged', async () => {
    // a: twelve people on one day; b: five on another. At k = 10 a is an atom and b's day is blocked; at k = 5 both are atoms.
    const days = [storedDay('a', '2031-03-03', persons(0, 12), 12, 1), storedDay('b', '2031-03-10', persons(100, 5), 5, 1)];
    const { repository, daysRead, month } = rollupRepository(days);
    await new AggregationService(repository, withK(10)).rebuildOverviewMonth('2031-03', 1);
    expect(month.saved!.plan.blocked).not.toBe(0);
    await new AggregationService(repository, withK(5)).rebuildOverviewMonth('2031-03', 1);
    expect(daysRead).toEqual([['a', 'b'], ['a', 'b']]);
    expect(month.saved!.plan).toEqual(planOverviewMonth(days.map((d) => d.cell), 5));
    expect(month.saved!.plan.blocked).toBe(0);
    expect(month.saved!.countsByDay.get('2031-03-10')!.counters['feedback.requested']).toBe(5);
  });
});
