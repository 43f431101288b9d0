import { WrittenDays } from './written-days';

describe('WrittenDays', () => {
  it('recalls what was remembered of a day, and the latest state of it', () => {
    const days = new WrittenDays<{ rev: number }>(10);
    days.remember('d1', { rev: 1 });
    days.remember('d1', { rev: 2 });
    expect(days.recall('d1')).toEqual({ rev: 2 });
    expect(days.recall('d2')).toBeUndefined();
  });

  it('forgets the days it is told to', () => {
    const days = new WrittenDays<number>(10);
    days.remember('d1', 1);
    days.remember('d2', 2);
    days.forget(['d1', 'd3']);
    expect(days.recall('d1')).toBeUndefined();
    expect(days.recall('d2')).toBe(2);
  });

  it('keeps at most its capacity, forgetting the least recently used first', () => {
    const days = new WrittenDays<number>(2);
    days.remember('d1', 1);
    days.remember('d2', 2);
    days.recall('d1');
    days.remember('d3', 3);
    expect(days.size).toBe(2);
    expect(days.recall('d2')).toBeUndefined();
    expect(days.recall('d1')).toBe(1);
    expect(days.recall('d3')).toBe(3);
  });
});
