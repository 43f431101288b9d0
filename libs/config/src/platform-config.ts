import { z } from 'zod';
import { connectionEnvShape, connectionProblems, type ConnectionConfig } from './connection-config';
import { durationVar, listVar, portVar } from './load-config';

/**
 * A dev-only secret, printed by `npm start`. Production refuses to boot with it
 * (NODE_ENV=production makes AUTH_JWT_SECRET mandatory).
 */
export const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';

/** Dev key ring (one 32-byte key); production must set PII_ENCRYPTION_KEYS. */
export const DEV_PII_KEYS = 'dev1:ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZCE=';

const keyRing = z
  .string()
  .default(DEV_PII_KEYS)
  .transform((text, ctx) => {
    const keys = text.split(',').map((entry) => {
      const [id, b64] = entry.trim().split(':');
      return { id: id ?? '', key: Buffer.from(b64 ?? '', 'base64') };
    });
    for (const key of keys) {
      if (!key.id || key.key.length !== 32) {
        ctx.addIssue({ code: 'custom', message: 'each entry must be id:base64 of a 32-byte key (AES-256)' });
        return z.NEVER;
      }
    }
    if (new Set(keys.map((key) => key.id)).size !== keys.length) {
      ctx.addIssue({ code: 'custom', message: 'each key id may appear once (sealed values name their key by id)' });
      return z.NEVER;
    }
    return keys;
  });

/** Settings every service shares (DESIGN.md 3.4). */
export const platformEnvShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: listVar('127.0.0.1:9092'),
  /** Consumer group; defaults to the service name. Only an isolated extra instance (tests) sets it. */
  KAFKA_GROUP_ID: z.string().regex(/^[A-Za-z0-9._-]+$/).optional(),
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL').default('mongodb://127.0.0.1:27017'),
  MONGO_DB_PREFIX: z.string().regex(/^[A-Za-z0-9_-]*$/, 'letters, digits, _ and - only').default(''),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_JWT_SECRET),
  PII_ENCRYPTION_KEYS: keyRing,
  /** Signs respondent links in emails; derived from AUTH_JWT_SECRET when empty. Set it to rotate links independently. */
  RESPONDENT_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  EXPIRY_SWEEP_INTERVAL: durationVar('PT1M'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().min(3).default('Feedback Platform <no-reply@feedback.local>'),
  PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:3001'),
  DOCUMENTATION_BASE_URL: z.url().default('http://127.0.0.1:3003'),
  INFO_REQUEST_WINDOW: durationVar('PT72H'),
  FEEDBACK_REQUEST_WINDOW: durationVar('P7D'),
  DOCUMENTATION_WINDOW: durationVar('P7D'),
  DISCLOSURE_RETENTION: durationVar('P90D'),
  ANALYTICS_MIN_GROUP_SIZE: z.coerce.number().int().min(1).default(10),
  ANALYTICS_NOISE_EPSILON: z.coerce.number().positive().optional(),
  /** Kafka SASL/TLS and MongoDB credentials/TLS for production (connection-config.ts); all optional. */
  ...connectionEnvShape,
};

/** Builds a service's env schema: the shared settings plus its own HTTP port. */
export function serviceEnvSchema<TExtra extends z.ZodRawShape>(defaultPort: number, extra: TExtra) {
  return z
    .object({ ...platformEnvShape, PORT: portVar(defaultPort), ...extra })
    .superRefine((parsed, ctx) => {
      // The platform keys are always present; the generic extra shape hides that from the compiler.
      const env = parsed as unknown as { NODE_ENV: string; AUTH_JWT_SECRET: string; PII_ENCRYPTION_KEYS: { id: string }[] };
      if (env.NODE_ENV === 'production' && env.AUTH_JWT_SECRET === DEV_JWT_SECRET) {
        ctx.addIssue({ code: 'custom', path: ['AUTH_JWT_SECRET'], message: 'must be set in production (the dev secret is public)' });
      }
      if (env.NODE_ENV === 'production' && env.PII_ENCRYPTION_KEYS[0]?.id === 'dev1') {
        ctx.addIssue({ code: 'custom', path: ['PII_ENCRYPTION_KEYS'], message: 'must be set in production (the dev key is public)' });
      }
      for (const problem of connectionProblems(parsed as unknown as ConnectionConfig)) {
        ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
      }
    });
}

/** Database name of a service: its name after the optional prefix (DESIGN.md 3.4). */
export function databaseName(prefix: string, service: string): string {
  return `${prefix}${service}`;
}

/** The validated shared settings, as every service's config contains them. */
export type PlatformConfig = z.infer<z.ZodObject<typeof platformEnvShape>> & { PORT: number };
