import { emptyCounts } from '../../../domain/aggregates.types';
import { groupFigures } from '../../../domain/stats.policy';
import { statsCsv } from './stats-csv';

describe('statsCsv', () => {
  const counts = { counters: { 'feedback.requested': 12, 'feedback.answered': 6 }, custom: { '=Fast, "really"': 2 } } as const;
  const body = {
    businessId: 'b1',
    from: '2031-03-03',
    to: '2031-03-04',
    granularity: 'day' as const,
    k: 10,
    buckets: [
      { start: '2031-03-03', end: '2031-03-03', ...groupFigures({ counters: { ...counts.counters }, custom: { ...counts.custom } }, true, 'x') },
      { start: '2031-03-04', end: '2031-03-04', ...groupFigures(emptyCounts(), false, 'y') },
    ],
    totals: groupFigures(emptyCounts(), false, 'z'),
  };

  it('has one line per bucket and a total line, with the same figures as the JSON', () => {
    const lines = statsCsv(body).trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    const header = lines[0]!.split(',');
    expect(header.slice(0, 7)).toEqual(['row', 'businessId', 'start', 'end', 'k', 'feedback.requested', 'feedback.answered']);
    expect(header).toContain('feedback.responseRate');
    expect(header).toContain('feedback.csat.distribution.4');
    expect(header).toContain('reports.byReason.spam');
    const first = lines[1]!.split(',');
    expect(first.slice(0, 8)).toEqual(['bucket', 'b1', '2031-03-03', '2031-03-03', '10', '12', '6', '0']);
    expect(first[header.indexOf('feedback.responseRate')]).toBe('0.5');
    expect(first[header.indexOf('feedback.csat.mean')]).toBe('');
    expect(lines[2]!.split(',').slice(5, 8)).toEqual(['suppressed', 'suppressed', 'suppressed']);
    expect(lines[3]!.startsWith('total,b1,2031-03-03,2031-03-04,10,suppressed')).toBe(true);
  });

  it('quotes labels and defuses spreadsheet formulas', () => {
    expect(statsCsv(body).split('\r\n')[0]).toContain('"feedback.custom.=Fast, ""really"""');
    expect(statsCsv({ ...body, businessId: '=HYPERLINK("x")' }).split('\r\n')[1]).toMatch(/^bucket,"'=HYPERLINK\(""x""\)",/);
  });
});
