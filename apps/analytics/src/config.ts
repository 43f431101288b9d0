import { loadConfig, serviceEnvSchema } from '@feedback/config';

export const SERVICE = 'analytics';

/** The only reader of process.env in this service. */
export function loadAnalyticsConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(serviceEnvSchema(3004, {}), env);
}

export type AnalyticsConfig = ReturnType<typeof loadAnalyticsConfig>;
