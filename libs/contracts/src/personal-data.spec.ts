import type { z } from 'zod';
import { feedbackRequestsTopic } from './topics/feedback-requests';
import { infoDisclosuresTopic } from './topics/info-disclosures';
import { infoRequestsTopic } from './topics/info-requests';
import { notificationsTopic } from './topics/notifications';
import { reportsTopic } from './topics/reports';
import type { TopicDefinition } from './topic';

// No personal value travels on a topic the platform produces (DESIGN.md 3.2), except
// the sealed values of info.disclosures.v1 and the sealed comment of FeedbackSubmitted.
// Person ids (userId, reviewerId, requestedBy...) are the upstream systems' pseudonymous ids.

/** Field names that would carry a personal value (contact details, names, free text, reference numbers). */
const PERSONAL = ['email', 'phone', 'fullName', 'displayName', 'name', 'referenceNumber', 'comment', 'description', 'details', 'recipient', 'to', 'address', 'text', 'values'];
/** Where sealed (AES-256-GCM) personal data may travel, and nowhere else. */
const SEALED = ['FeedbackSubmitted.sealedComment', 'InformationDisclosed.sealed'];

const PRODUCED: TopicDefinition[] = [feedbackRequestsTopic, infoRequestsTopic, infoDisclosuresTopic, reportsTopic, notificationsTopic];

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; options?: z.ZodType[]; in?: z.ZodType; out?: z.ZodType };
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Every field path of a payload schema, e.g. `survey.options[]`, with whether it is a sealed value. */
function fieldPaths(schema: z.ZodType, prefix = ''): { path: string; sealed: boolean }[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const shape = (schema as unknown as { shape: Record<string, z.ZodType> }).shape;
      return Object.entries(shape).flatMap(([key, child]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        const sealed = ['keyId', 'iv', 'tag', 'ciphertext'].every((k) => k in (unwrapObject(child) ?? {}));
        return [{ path, sealed }, ...(sealed ? [] : fieldPaths(child, path))];
      });
    }
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
      return fieldPaths(def.innerType!, prefix);
    case 'array':
      return fieldPaths(def.element!, `${prefix}[]`);
    case 'union':
      return def.options!.flatMap((option) => fieldPaths(option, prefix));
    case 'pipe':
      return fieldPaths(def.in!, prefix);
    default:
      return [];
  }
}

function unwrapObject(schema: z.ZodType): Record<string, unknown> | undefined {
  const def = defOf(schema);
  if (def.type === 'object') return (schema as unknown as { shape: Record<string, unknown> }).shape;
  if (def.innerType) return unwrapObject(def.innerType);
  return undefined;
}

const events = PRODUCED.flatMap((topic) => Object.values(topic.events).map((event) => ({ topic: topic.name, type: event.type, schema: event.schema })));

describe('personal data on the topics the platform produces', () => {
  it.each(events.map((e) => [`${e.topic} ${e.type}`, e] as const))('%s has no field for a personal value in clear', (_name, event) => {
    const fields = fieldPaths(event.schema);
    expect(fields.length).toBeGreaterThan(0);
    const personal = fields.filter((f) => !f.sealed && PERSONAL.includes(f.path.split('.').at(-1)!.replace('[]', '')));
    expect(personal.map((f) => f.path)).toEqual([]);
  });

  it('carries sealed values only where the contract says', () => {
    const sealed = events.flatMap((event) => fieldPaths(event.schema).filter((f) => f.sealed).map((f) => `${event.type}.${f.path}`));
    expect(sealed.sort()).toEqual([...SEALED].sort());
  });

  it.each(events.map((e) => [`${e.topic} ${e.type}`, e] as const))('%s drops unknown fields (a plain z.object), so a producer cannot pass personal data through', (_name, event) => {
    expect(defOf(event.schema).type).toBe('object');
    // z.looseObject / .catchall() would keep extra fields; z.strictObject would make a stray field an error
    expect((event.schema as unknown as { _zod: { def: { catchall?: unknown } } })._zod.def.catchall).toBeUndefined();
  });
});
