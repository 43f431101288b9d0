import { describeCpu, parseStatCpuMs, perOperation } from './cpu-usage';

describe('parseStatCpuMs', () => {
  it('adds user and system time (fields 14 and 15) and turns ticks into ms', () => {
    const stat = '4242 (node) S 1 4242 4242 0 -1 4194304 1000 0 0 0 250 75 0 0 20 0 11 0 500 1200000 30000';
    expect(parseStatCpuMs(stat)).toBe(3250);
  });

  it('reads past a command name holding spaces and parentheses', () => {
    const stat = '77 (my (odd) name) R 1 77 77 0 -1 0 0 0 0 0 12 8 0 0 20 0 1 0 10 0 0';
    expect(parseStatCpuMs(stat)).toBe(200);
  });

  it('is undefined for a text that is not a stat line', () => {
    expect(parseStatCpuMs('')).toBeUndefined();
  });
});

describe('perOperation', () => {
  it('divides each process by the operations, the busiest first', () => {
    expect(Object.entries(perOperation({ store: 450, requests: 1000 }, 1000))).toEqual([
      ['requests', 1],
      ['store', 0.45],
    ]);
  });
});

describe('describeCpu', () => {
  it('sums every process and lists the ones that spent at least 0.005 ms', () => {
    expect(describeCpu({ requests: 0.89, mongo: 0.35, reporting: 0.001 })).toBe('1.24 in all (requests 0.89, mongo 0.35)');
  });
});
