import { z } from 'zod';
import { parseIsoDuration } from './duration';

/** Raised at boot when a setting is missing or malformed; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates environment variables against `schema` and returns the typed result.
 * Call it from the app's `config.ts`, the only reader of `process.env`.
 */
export function loadConfig<TSchema extends z.ZodType>(schema: TSchema, env: Record<string, string | undefined>): z.infer<TSchema> {
  // An empty variable means "use the default", as in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration, fix these environment variables:\n${problems.join('\n')}`);
}

/** An ISO-8601 duration variable, parsed to milliseconds. */
export function durationVar(defaultValue: string) {
  return z
    .string()
    .default(defaultValue)
    .transform((text, ctx) => {
      try {
        return parseIsoDuration(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });
}

/** A TCP port variable. */
export function portVar(defaultValue: number) {
  return z.coerce.number().int().min(1).max(65535).default(defaultValue);
}

/** Comma-separated list variable, e.g. `KAFKA_BROKERS=a:9092,b:9092`. */
export function listVar(defaultValue: string) {
  return z
    .string()
    .default(defaultValue)
    .transform((text) => text.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, 'each entry must be host:port')).min(1));
}
