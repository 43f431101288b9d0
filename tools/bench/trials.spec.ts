import { alternatedOrder, medianPair } from './trials.ts';

describe('alternatedOrder', () => {
  it('puts the system first, then the baseline first, in turn', () => {
    expect(alternatedOrder(3)).toEqual([
      ['system', 'baseline'],
      ['baseline', 'system'],
      ['system', 'baseline'],
    ]);
  });

  it('runs each side once per pair', () => {
    for (const pair of alternatedOrder(4)) expect([...pair].sort()).toEqual(['baseline', 'system']);
  });

  it('refuses a count that is not a positive integer', () => {
    expect(() => alternatedOrder(0)).toThrow(RangeError);
    expect(() => alternatedOrder(1.5)).toThrow(RangeError);
  });
});

describe('medianPair', () => {
  it('is the pair with the middle ratio, not the middle rate of either side', () => {
    const slowMachine = { system: 200, baseline: 250, name: 'a' }; // 0.80
    const fastMachine = { system: 400, baseline: 800, name: 'b' }; // 0.50
    const middle = { system: 300, baseline: 500, name: 'c' }; // 0.60
    expect(medianPair([slowMachine, fastMachine, middle]).name).toBe('c');
  });

  it('with an even count, takes the lower of the two middle ratios', () => {
    const pairs = [
      { system: 9, baseline: 10 },
      { system: 5, baseline: 10 },
      { system: 7, baseline: 10 },
      { system: 6, baseline: 10 },
    ];
    expect(medianPair(pairs)).toBe(pairs[3]);
  });

  it('of one pair is that pair, and of none is an error', () => {
    const only = { system: 1, baseline: 2 };
    expect(medianPair([only])).toBe(only);
    expect(() => medianPair([])).toThrow(RangeError);
  });
});
