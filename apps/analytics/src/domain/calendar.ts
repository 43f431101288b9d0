/**
 * UTC calendar arithmetic on `YYYY-MM-DD` dates (DESIGN.md 3.3: days are UTC
 * days). Weeks are ISO weeks (Monday to Sunday); months are calendar months.
 */

export type Granularity = 'day' | 'week' | 'month';
export const GRANULARITIES: readonly Granularity[] = ['day', 'week', 'month'];

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD` (2026-02-30 is not one). */
export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const at = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return !Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) === text && Number(match[1]) >= 1970;
}

/** The UTC day of an instant. */
export function utcDay(at: Date | string): string {
  return new Date(at).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (0 when equal). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** Day of the month, 1–31. */
export function dayOfMonth(day: string): number {
  return Number(day.slice(8, 10));
}

/** weekStart's answers: the release plan asks for the same few hundred days on every rollup (date parsing ~1 µs a call). */
const weekStarts = new Map<string, string>();
const WEEK_STARTS_KEPT = 10_000;

/** The Monday that starts the ISO week of `day`. */
export function weekStart(day: string): string {
  let start = weekStarts.get(day);
  if (start === undefined) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
    start = addDays(day, -((weekday + 6) % 7));
    if (weekStarts.size >= WEEK_STARTS_KEPT) weekStarts.clear();
    weekStarts.set(day, start);
  }
  return start;
}

export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function monthEnd(day: string): string {
  const [year, month] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included. */
export function daysIn(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/** Every month (`YYYY-MM`) a range touches. */
export function monthsIn(from: string, to: string): string[] {
  const months: string[] = [];
  for (let day = monthStart(from); day <= to; day = addDays(monthEnd(day), 1)) months.push(monthOf(day));
  return months;
}

export interface Period {
  /** First day of the period inside the range. */
  start: string;
  /** Last day of the period inside the range. */
  end: string;
}

/**
 * The buckets of a range: days, ISO weeks or calendar months, each clipped to
 * the range, so the first and last bucket may be shorter than a whole period.
 */
export function periodsIn(from: string, to: string, granularity: Granularity): Period[] {
  const periods: Period[] = [];
  let start = from;
  while (start <= to) {
    const natural = granularity === 'day' ? start : granularity === 'week' ? addDays(weekStart(start), 6) : monthEnd(start);
    const end = natural < to ? natural : to;
    periods.push({ start, end });
    start = addDays(end, 1);
  }
  return periods;
}
