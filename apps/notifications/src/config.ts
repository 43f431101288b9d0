import { durationVar, loadConfig, serviceEnvSchema } from '@feedback/config';

export const SERVICE = 'notifications';

/** The only reader of process.env in this service. */
export function loadNotificationsConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(
    serviceEnvSchema(3005, {
      /**
       * How long an email waits for its recipient's or business's profile, which
       * travels on another topic and may arrive a little later; then it is
       * recorded failed ("recipient unknown"). PT0S: never wait.
       */
      EMAIL_PROFILE_WAIT: durationVar('PT15M'),
    }),
    env,
  );
}

export type NotificationsConfig = ReturnType<typeof loadNotificationsConfig>;
