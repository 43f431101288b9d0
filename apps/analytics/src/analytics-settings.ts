import type { NoiseSettings } from './domain/noise.policy';
import type { PositionOf } from './domain/people-sketch';

/** The analytics settings the feature modules need, from the validated config. */
export abstract class AnalyticsSettings {
  /** k of A2 (ANALYTICS_MIN_GROUP_SIZE). */
  abstract readonly minGroupSize: number;
  abstract readonly positionOf: PositionOf;
  /** Laplace noise, when ANALYTICS_NOISE_EPSILON is set. */
  abstract readonly noise?: NoiseSettings;
  abstract readonly rollupIntervalMs: number;
}
