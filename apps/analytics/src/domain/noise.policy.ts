import { createHmac } from 'node:crypto';

/**
 * Optional Laplace noise (ANALYTICS_NOISE_EPSILON). Each published count gets
 * noise of scale 1/epsilon drawn from a keyed hash of the figure's identity and
 * its true value: asking again returns the same noisy value, so repeating a
 * query cannot average the noise away; a new release (changed data) draws anew.
 */
export interface NoiseSettings {
  epsilon: number;
  /** A uniform number in (0, 1), the same for the same text. */
  uniform: (text: string) => number;
}

export function keyedUniform(key: string): (text: string) => number {
  return (text) => {
    const bits = createHmac('sha256', key).update(text, 'utf8').digest().readUIntBE(0, 6);
    return (bits + 0.5) / 2 ** 48;
  };
}

/** Inverse CDF of Laplace(0, 1/epsilon) at u in (0, 1). */
export function laplace(u: number, epsilon: number): number {
  const centred = u - 0.5;
  return -(Math.sign(centred) / epsilon) * Math.log(1 - 2 * Math.abs(centred));
}

/** The published value of a count: exact without noise settings, else rounded, non-negative, noisy. */
export function noisyCount(value: number, figureId: string, noise: NoiseSettings | undefined): number {
  if (!noise) return value;
  return Math.max(0, Math.round(value + laplace(noise.uniform(`${figureId}|${value}`), noise.epsilon)));
}
