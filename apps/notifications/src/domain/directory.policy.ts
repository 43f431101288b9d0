/** The version of a directory entry: which upstream event it was built from. */
export interface Versioned {
  /** occurredAt of the event this version came from; older events never overwrite newer ones. */
  asOf: Date;
  /** Id of that event: breaks ties between events of the same instant deterministically. */
  sourceEventId: string;
}

/**
 * Whether a profile event should replace the stored directory entry (a person's
 * contact or a business profile). Events can arrive late or twice: the newest
 * `occurredAt` wins, ties go to the greater event id, so every consumer ends
 * with the same entry whatever the delivery order.
 */
export function supersedes(incoming: Versioned, stored: Versioned | undefined): boolean {
  if (!stored) return true;
  const diff = incoming.asOf.getTime() - stored.asOf.getTime();
  if (diff !== 0) return diff > 0;
  return incoming.sourceEventId > stored.sourceEventId;
}
