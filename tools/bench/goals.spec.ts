import { describeGoal, evaluate, unjudged, type Figure } from './goals.ts';

const throughput = (value: number, baseline: number): Figure => ({
  scenario: 'pipeline',
  name: 'throughput',
  value,
  unit: 'events/s',
  baseline: { label: 'bare', value: baseline },
  goal: { kind: 'ratio-at-least', min: 0.8 },
});

describe('evaluate', () => {
  it('a throughput goal is met at 0.8x the baseline and missed below', () => {
    expect(evaluate(throughput(800, 1000))).toMatchObject({ ratio: 0.8, met: true });
    expect(evaluate(throughput(799, 1000))).toMatchObject({ met: false });
  });

  it('a ratio-at-most goal (read latency at 1M against 10k) is met at or under the limit', () => {
    const reads = (value: number): Figure => ({ scenario: 'analytics reads', name: 'p95', value, unit: 'ms', baseline: { label: 'at 10k', value: 10 }, goal: { kind: 'ratio-at-most', max: 1.5 } });
    expect(evaluate(reads(15)).met).toBe(true);
    expect(evaluate(reads(15.1)).met).toBe(false);
  });

  it('an absolute goal compares the figure itself (p99, RSS)', () => {
    const p99 = (value: number): Figure => ({ scenario: 'latency', name: 'p99', value, unit: 'ms', goal: { kind: 'at-most', max: 250 } });
    expect(evaluate(p99(250)).met).toBe(true);
    expect(evaluate(p99(251)).met).toBe(false);
    expect(evaluate(p99(Number.POSITIVE_INFINITY)).met).toBe(false);
  });

  it('a figure that could not be measured (NaN) never meets its goal', () => {
    expect(evaluate(throughput(Number.NaN, 1000)).met).toBe(false);
    expect(evaluate({ scenario: 'memory', name: 'peak RSS', value: Number.NaN, unit: 'MB', goal: { kind: 'at-most', max: 256 } }).met).toBe(false);
  });

  it('a figure without a goal is information only', () => {
    expect(evaluate({ scenario: 'latency', name: 'p50', value: 12, unit: 'ms' }).met).toBeUndefined();
  });
});

describe('describeGoal', () => {
  it('states each kind of goal as the table shows it', () => {
    expect(describeGoal({ kind: 'ratio-at-least', min: 0.8 }, 'events/s')).toBe('>= 0.8x baseline');
    expect(describeGoal({ kind: 'ratio-at-most', max: 1.5 }, 'ms')).toBe('<= 1.5x baseline');
    expect(describeGoal({ kind: 'at-most', max: 256 }, 'MB')).toBe('<= 256 MB');
    expect(describeGoal(undefined, 'ms')).toBe('');
  });
});

describe('unjudged', () => {
  const rss = (value: number): Figure => ({ scenario: 'memory', name: 'peak RSS analytics', value, unit: 'MB', goal: { kind: 'at-most', max: 256 } });

  it('passes figures that were measured, whether or not they meet their goal', () => {
    expect(unjudged([throughput(400, 1000), throughput(900, 1000), rss(300)].map(evaluate))).toEqual([]);
  });

  it('names a figure with a goal that was not measured, or whose baseline was not', () => {
    const missing = unjudged([throughput(Number.NaN, 1000), throughput(900, Number.NaN), throughput(900, 0), rss(Number.NaN), rss(200)].map(evaluate));
    expect(missing.map((f) => [f.name, f.value, f.baseline?.value])).toEqual([
      ['throughput', Number.NaN, 1000],
      ['throughput', 900, Number.NaN],
      ['throughput', 900, 0],
      ['peak RSS analytics', Number.NaN, undefined],
    ]);
  });

  it('lets a figure shown for information only go unmeasured (the ceiling)', () => {
    const ceiling: Figure = { scenario: 'pipeline', name: 'ceiling', value: Number.NaN, unit: 'events/s', baseline: { label: 'bare', value: 1000 } };
    expect(unjudged([evaluate(ceiling)])).toEqual([]);
  });
});
