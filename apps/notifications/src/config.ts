import { loadConfig, serviceEnvSchema } from '@feedback/config';

export const SERVICE = 'notifications';

/** The only reader of process.env in this service. */
export function loadNotificationsConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(serviceEnvSchema(3005, {}), env);
}

export type NotificationsConfig = ReturnType<typeof loadNotificationsConfig>;
