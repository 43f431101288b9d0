import { loadConfig, serviceEnvSchema } from '@feedback/config';

export const SERVICE = 'requests';

/** The only reader of process.env in this service. */
export function loadRequestsConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(serviceEnvSchema(3001, {}), env);
}

export type RequestsConfig = ReturnType<typeof loadRequestsConfig>;
