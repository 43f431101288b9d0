import { z } from 'zod';
import { loadConfig, serviceEnvSchema } from '@feedback/config';

export const SERVICE = 'requests';

/** The only reader of process.env in this service. */
export function loadRequestsConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(
    serviceEnvSchema(3001, {
      /** F14: feedback requests a person may get per 24 h from one business. */
      FEEDBACK_RECIPIENT_LIMIT_PER_BUSINESS: z.coerce.number().int().min(1).default(1),
      /** F14: feedback requests a person may get per 24 h across the platform. */
      FEEDBACK_RECIPIENT_LIMIT_PLATFORM: z.coerce.number().int().min(1).default(3),
    }),
    env,
  );
}

export type RequestsConfig = ReturnType<typeof loadRequestsConfig>;
