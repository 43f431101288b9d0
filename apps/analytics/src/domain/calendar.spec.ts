import { daysBetween, isCalendarDate, monthsIn, periodsIn, utcDay, weekStart } from './calendar';

describe('calendar', () => {
  it('accepts real dates only', () => {
    expect(isCalendarDate('2026-11-21')).toBe(true);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('2026-1-01')).toBe(false);
    expect(isCalendarDate('21-11-2026')).toBe(false);
  });

  it('uses UTC days and ISO weeks', () => {
    expect(utcDay('2026-11-21T23:30:00-02:00')).toBe('2026-11-22');
    expect(weekStart('2026-11-22')).toBe('2026-11-16'); // a Sunday belongs to the week that started on Monday
    expect(weekStart('2026-11-16')).toBe('2026-11-16');
    expect(daysBetween('2026-11-01', '2026-12-01')).toBe(30);
  });

  it('cuts a range into clipped periods', () => {
    expect(periodsIn('2026-11-01', '2026-11-03', 'day').map((p) => p.start)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(periodsIn('2026-11-01', '2026-11-18', 'week')).toEqual([
      { start: '2026-11-01', end: '2026-11-01' },
      { start: '2026-11-02', end: '2026-11-08' },
      { start: '2026-11-09', end: '2026-11-15' },
      { start: '2026-11-16', end: '2026-11-18' },
    ]);
    expect(periodsIn('2026-11-15', '2027-01-10', 'month')).toEqual([
      { start: '2026-11-15', end: '2026-11-30' },
      { start: '2026-12-01', end: '2026-12-31' },
      { start: '2027-01-01', end: '2027-01-10' },
    ]);
    expect(monthsIn('2026-11-30', '2027-01-01')).toEqual(['2026-11', '2026-12', '2027-01']);
  });
});
