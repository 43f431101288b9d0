import { decideRange } from './stats-range.policy';

describe('decideRange', () => {
  const today = '2026-11-24';

  it('takes a valid range and defaults to the last 30 days by day', () => {
    expect(decideRange({ from: '2026-11-01', to: '2026-11-30', granularity: 'week' }, today)).toEqual({ ok: true, range: { from: '2026-11-01', to: '2026-11-30', granularity: 'week' } });
    expect(decideRange({}, today)).toEqual({ ok: true, range: { from: '2026-10-26', to: '2026-11-24', granularity: 'day' } });
    expect(decideRange({ from: '2026-11-20', to: '2026-11-20' }, today)).toMatchObject({ ok: true });
  });

  it('refuses malformed dates, impossible dates, reversed ranges, unknown granularities and too long ranges', () => {
    expect(decideRange({ from: '2026-11-1' }, today)).toMatchObject({ ok: false, fields: [{ field: 'from' }] });
    expect(decideRange({ to: '2026-02-30' }, today)).toMatchObject({ ok: false, fields: [{ field: 'to' }] });
    expect(decideRange({ from: '2026-11-30', to: '2026-11-01' }, today)).toMatchObject({ ok: false, fields: [{ field: 'from' }] });
    expect(decideRange({ granularity: 'year' }, today)).toMatchObject({ ok: false, fields: [{ field: 'granularity' }] });
    expect(decideRange({ from: '2020-01-01', to: '2026-11-01', granularity: 'day' }, today)).toMatchObject({ ok: false, fields: [{ field: 'to' }] });
    expect(decideRange({ from: '2024-01-01', to: '2026-11-01', granularity: 'month' }, today)).toMatchObject({ ok: true });
  });
});
