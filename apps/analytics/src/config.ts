import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, durationVar, loadConfig, serviceEnvSchema } from '@feedback/config';
import { STORED_POSITIONS_CAP } from './domain/people-sketch';

export const SERVICE = 'analytics';

/** The only reader of process.env in this service. */
export function loadAnalyticsConfig(env: Record<string, string | undefined> = process.env) {
  const config = loadConfig(
    serviceEnvSchema(3004, {
      /**
       * Keys the people sketch (A2) and the noise. Derived from AUTH_JWT_SECRET when empty.
       * Changing it makes new days incomparable with old ones: replay the topics into a fresh database.
       */
      ANALYTICS_SKETCH_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
      /** How often the overview's monthly rollups are rebuilt from the business-days that changed. */
      ANALYTICS_ROLLUP_INTERVAL: durationVar('PT2S'),
    }),
    env,
  );
  if (config.ANALYTICS_MIN_GROUP_SIZE > STORED_POSITIONS_CAP) {
    throw new ConfigError(`Invalid configuration, fix these environment variables:\n  ANALYTICS_MIN_GROUP_SIZE: must be at most ${STORED_POSITIONS_CAP} (the people sketch keeps that many positions per day)`);
  }
  return config;
}

export type AnalyticsConfig = ReturnType<typeof loadAnalyticsConfig>;

/** The sketch key: its own secret when set, else one derived from the API secret (never the API secret itself). */
export function sketchKey(config: AnalyticsConfig): string {
  return config.ANALYTICS_SKETCH_KEY ?? createHmac('sha256', config.AUTH_JWT_SECRET).update('analytics/people-sketch/v1').digest('base64url');
}
