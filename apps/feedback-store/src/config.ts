import { loadConfig, serviceEnvSchema } from '@feedback/config';

export const SERVICE = 'feedback-store';

/** The only reader of process.env in this service. */
export function loadFeedbackStoreConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(serviceEnvSchema(3002, {}), env);
}

export type FeedbackStoreConfig = ReturnType<typeof loadFeedbackStoreConfig>;
