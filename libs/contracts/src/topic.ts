import { z } from 'zod';

/** One event type on a topic: its name, schema version and payload schema. */
export interface EventDefinition<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  readonly type: TType;
  readonly version: number;
  readonly schema: TSchema;
}

/** A topic: its name, the payload field used as message key, and its events. */
export interface TopicDefinition<TEvents extends Record<string, EventDefinition> = Record<string, EventDefinition>> {
  readonly name: string;
  /** Name of the aggregate id in `data` that keys every message (per-aggregate ordering). */
  readonly keyField: string;
  /** Partitions created up front so consumer groups can scale out. */
  readonly partitions: number;
  readonly events: TEvents;
  /** Topic-level broker settings, e.g. a short `retention.ms` for topics that carry personal data. */
  readonly config?: Readonly<Record<string, string>>;
}

export function event<TType extends string, TSchema extends z.ZodType>(
  type: TType,
  schema: TSchema,
  version = 1,
): EventDefinition<TType, TSchema> {
  return { type, version, schema };
}

export function topic<TEvents extends Record<string, EventDefinition>>(
  name: string,
  keyField: string,
  events: TEvents,
  partitions = 3,
  config?: Record<string, string>,
): TopicDefinition<TEvents> {
  return config ? { name, keyField, partitions, events, config } : { name, keyField, partitions, events };
}

/** Payload type of one event definition. */
export type EventData<TDef> = TDef extends EventDefinition<string, infer S> ? z.infer<S> : never;

/** Name of the dead-letter topic that receives what a consumer of `topicName` cannot process. */
export function deadLetterTopic(topicName: string): string {
  return `${topicName}.dlq`;
}

/** Shared field schemas. Ids are opaque strings issued by upstream systems. */
export const id = () => z.string().min(1).max(200);
export const isoDateTime = () => z.iso.datetime({ offset: true });
export const languageTag = () => z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag');
