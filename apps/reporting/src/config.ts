import { loadConfig, serviceEnvSchema } from '@feedback/config';

export const SERVICE = 'reporting';

/** The only reader of process.env in this service. */
export function loadReportingConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(serviceEnvSchema(3003, {}), env);
}

export type ReportingConfig = ReturnType<typeof loadReportingConfig>;
