/** A person the platform may email, as last described by upstream.users.v1. */
export interface Contact {
  userId: string;
  email: string;
  preferredLanguage: string;
  displayName: string;
  /** occurredAt of the event this version came from; older events never overwrite newer ones. */
  asOf: Date;
  /** Id of that event: breaks ties between events of the same instant deterministically. */
  sourceEventId: string;
}
