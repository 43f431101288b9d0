import { keyedUniform, laplace, noisyCount } from './noise.policy';

describe('Laplace noise', () => {
  const noise = { epsilon: 0.5, uniform: keyedUniform('noise-key-for-tests-0123456789abcdef') };

  it('is deterministic per figure and value, so asking again does not average it away', () => {
    const first = noisyCount(40, 'b1|2026-11-21|feedback.requested', noise);
    expect(noisyCount(40, 'b1|2026-11-21|feedback.requested', noise)).toBe(first);
    const draws = new Set(Array.from({ length: 50 }, (_, i) => noisyCount(40, `b1|2026-11-${i}|feedback.requested`, noise)));
    expect(draws.size).toBeGreaterThan(5);
  });

  it('changes when the figure changes (a new release)', () => {
    const values = Array.from({ length: 30 }, (_, v) => noisyCount(v + 100, 'b1|x', noise) - (v + 100));
    expect(new Set(values).size).toBeGreaterThan(3);
  });

  it('has the Laplace scale 1/epsilon and is centred', () => {
    const samples = Array.from({ length: 20_000 }, (_, i) => laplace(noise.uniform(String(i)), 0.5));
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    const meanAbs = samples.reduce((a, b) => a + Math.abs(b), 0) / samples.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(meanAbs).toBeGreaterThan(1.85);
    expect(meanAbs).toBeLessThan(2.15);
  });

  it('leaves counts exact without settings and never publishes a negative count', () => {
    expect(noisyCount(7, 'f', undefined)).toBe(7);
    for (let i = 0; i < 100; i++) expect(noisyCount(0, `f${i}`, { ...noise, epsilon: 0.1 })).toBeGreaterThanOrEqual(0);
  });
});
