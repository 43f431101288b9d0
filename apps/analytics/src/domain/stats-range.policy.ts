import { addDays, daysBetween, GRANULARITIES, isCalendarDate, type Granularity } from './calendar';

/** Longest range per granularity: enough for a year of days or a few years of weeks and months. */
export const MAX_RANGE_DAYS: Record<Granularity, number> = { day: 366, week: 3 * 366, month: 5 * 366 };
/** The range when none is given: the last 30 days, today included. */
export const DEFAULT_RANGE_DAYS = 30;

export interface RangeInput {
  from?: string;
  to?: string;
  granularity?: string;
}
export interface StatsRange {
  from: string;
  to: string;
  granularity: Granularity;
}
export type RangeDecision = { ok: true; range: StatsRange } | { ok: false; fields: { field: string; problems: string[] }[] };

/** Checks `from`, `to` (UTC dates, both included) and `granularity` of a stats query. */
export function decideRange(input: RangeInput, today: string): RangeDecision {
  const fields: { field: string; problems: string[] }[] = [];
  const granularity = (input.granularity ?? 'day') as Granularity;
  if (!GRANULARITIES.includes(granularity)) fields.push({ field: 'granularity', problems: ['must be day, week or month'] });
  for (const field of ['from', 'to'] as const) {
    const value = input[field];
    if (value !== undefined && !isCalendarDate(value)) fields.push({ field, problems: ['must be a calendar date written YYYY-MM-DD'] });
  }
  if (fields.length) return { ok: false, fields };

  const to = input.to ?? (input.from && input.from > today ? input.from : today);
  const from = input.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to) return { ok: false, fields: [{ field: 'from', problems: ['must not be after to'] }] };
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS[granularity]) {
    return { ok: false, fields: [{ field: 'to', problems: [`the range may span at most ${MAX_RANGE_DAYS[granularity]} days with granularity ${granularity}`] }] };
  }
  return { ok: true, range: { from, to, granularity } };
}
