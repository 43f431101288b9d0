import { benchDbPrefix } from './bench-stack.ts';
import { ownedByRun } from './external-run.ts';

describe('what a bench run on external infrastructure cleans up', () => {
  it("is only the run's own scratch topics and consumer groups", () => {
    const names = [
      'bench.baseline.1a2b3c4d',
      'bench.ceiling.1a2b3c4d',
      'bench-baseline-1a2b3c4d',
      'bench-ceiling-2-1a2b3c4d',
      'bench.baseline.99999999',
      'feedback.requests.v1',
      'analytics',
      'other-1a2b3c4d',
    ];
    expect(ownedByRun(names, '1a2b3c4d')).toEqual(['bench.baseline.1a2b3c4d', 'bench.ceiling.1a2b3c4d', 'bench-baseline-1a2b3c4d', 'bench-ceiling-2-1a2b3c4d']);
  });

  it("names the run's databases after its id, so two runs on one store never share one", () => {
    expect(benchDbPrefix('1a2b3c4d')).toBe('bench_1a2b3c4d_');
    expect(benchDbPrefix('1a2b3c4d')).not.toBe(benchDbPrefix('99999999'));
  });
});
