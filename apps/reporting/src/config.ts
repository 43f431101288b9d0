import { z } from 'zod';
import { loadConfig, serviceEnvSchema } from '@feedback/config';

export const SERVICE = 'reporting';

/** The only reader of process.env in this service. */
export function loadReportingConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(
    serviceEnvSchema(3003, {
      /** R3: largest file a reviewer may attach to their documentation, in bytes (default 5 MB). */
      DOCUMENTATION_MAX_FILE_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(5 * 1024 * 1024),
    }),
    env,
  );
}

export type ReportingConfig = ReturnType<typeof loadReportingConfig>;
