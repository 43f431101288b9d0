import { z } from 'zod';
import { envelopeSchema, type Envelope } from './envelope';
import type { TopicDefinition } from './topic';

/** Messages above this size are refused before parsing (a poison message must not exhaust memory). */
export const MAX_MESSAGE_BYTES = 1_000_000;

export type DecodeResult =
  | { outcome: 'event'; envelope: Envelope }
  /** A valid envelope of a type this topic does not define: skipped (DESIGN.md 3.1). */
  | { outcome: 'unknown-type'; envelope: Envelope }
  /** Not processable: goes to the dead-letter topic with `reason`. */
  | { outcome: 'invalid'; reason: string };

/** Readable, bounded summary of a zod error: `path: message; ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ')
    .slice(0, 1000);
}

/**
 * Decodes one Kafka message value of `topic`: JSON, then the envelope, then the
 * payload schema of its type and version. Pure; never throws.
 */
export function decodeEvent(topic: TopicDefinition, value: Buffer | null): DecodeResult {
  if (value === null || value.length === 0) return { outcome: 'invalid', reason: 'empty message value' };
  if (value.length > MAX_MESSAGE_BYTES) {
    return { outcome: 'invalid', reason: `message of ${value.length} bytes exceeds the ${MAX_MESSAGE_BYTES}-byte limit` };
  }
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return { outcome: 'invalid', reason: `value is not valid JSON: ${(error as Error).message}` };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { outcome: 'invalid', reason: `invalid envelope: ${describeIssues(envelope.error)}` };

  const definition = Object.values(topic.events).find((e) => e.type === envelope.data.type);
  if (!definition) return { outcome: 'unknown-type', envelope: envelope.data as Envelope };
  if (definition.version !== envelope.data.version) {
    return {
      outcome: 'invalid',
      reason: `unsupported version ${envelope.data.version} of ${definition.type} (this consumer reads version ${definition.version})`,
    };
  }
  const data = definition.schema.safeParse(envelope.data.data);
  if (!data.success) return { outcome: 'invalid', reason: `invalid ${definition.type} data: ${describeIssues(data.error)}` };
  return { outcome: 'event', envelope: { ...envelope.data, data: data.data } as Envelope };
}
