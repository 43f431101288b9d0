import { loadConfig, serviceEnvSchema } from '@feedback/config';

export const SERVICE = 'feedback-store';

/** The only reader of process.env in this service. */
export function loadFeedbackStoreConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(serviceEnvSchema(3002, {}), env);
}

export type FeedbackStoreConfig = ReturnType<typeof loadFeedbackStoreConfig>;

/** What the shared-details feature takes from the config (also its DI token). */
export abstract class DisclosureSettings {
  /** DISCLOSURE_RETENTION: how long shared values are kept after they were provided. */
  abstract readonly retentionMs: number;
  /** EXPIRY_SWEEP_INTERVAL: how often the retention sweep runs. */
  abstract readonly sweepIntervalMs: number;
}

export function disclosureSettings(config: FeedbackStoreConfig): DisclosureSettings {
  return { retentionMs: config.DISCLOSURE_RETENTION, sweepIntervalMs: config.EXPIRY_SWEEP_INTERVAL };
}
