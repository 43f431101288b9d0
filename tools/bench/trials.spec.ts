import { alternatedOrder, measureInOrder, medianPair, pairsNote } from './trials.ts';

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

describe('measureInOrder', () => {
  it('measures the sides in the order given, each once', async () => {
    const ran: string[] = [];
    const measure = {
      system: async () => (ran.push('system'), 7),
      baseline: async () => (ran.push('baseline'), 'b'),
    };
    expect(await measureInOrder(['baseline', 'system'], measure)).toEqual({ system: 7, baseline: 'b' });
    expect(ran).toEqual(['baseline', 'system']);
  });

  it('refuses an order that leaves a side out', async () => {
    await expect(measureInOrder(['system'], { system: async () => 1, baseline: async () => 2 })).rejects.toThrow(RangeError);
  });
});

describe('pairsNote', () => {
  it("says one pair, or the median with every pair's ratio", () => {
    expect(pairsNote([{ system: 1, baseline: 2 }])).toBe('one pair');
    expect(pairsNote([{ system: 63, baseline: 100 }, { system: 57, baseline: 100 }, { system: 52, baseline: 100 }])).toBe('median of 3 alternated pairs (0.63x, 0.57x, 0.52x)');
  });
});
