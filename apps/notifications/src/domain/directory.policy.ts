import type { Contact } from './contact.types';

/**
 * Whether a profile event should replace the stored contact. Events can arrive
 * late or twice: the newest `occurredAt` wins, ties go to the greater event id,
 * so every consumer ends with the same contact whatever the delivery order.
 */
export function supersedes(incoming: Pick<Contact, 'asOf' | 'sourceEventId'>, stored: Pick<Contact, 'asOf' | 'sourceEventId'> | undefined): boolean {
  if (!stored) return true;
  const diff = incoming.asOf.getTime() - stored.asOf.getTime();
  if (diff !== 0) return diff > 0;
  return incoming.sourceEventId > stored.sourceEventId;
}
