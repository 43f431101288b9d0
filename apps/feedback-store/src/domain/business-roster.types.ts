/** A business user's role, as the latest BusinessProfileUpdated states it. */
export type BusinessRole = 'admin' | 'member';

/** Who belongs to a business, and with which role. Ids only: no contact details are kept here. */
export interface BusinessRoster {
  businessId: string;
  users: { userId: string; role: BusinessRole }[];
  /** occurredAt of the profile event this roster came from; an older event never overwrites a newer one. */
  asOf: Date;
  /** Id of that event: breaks ties between events of the same instant the same way on every consumer. */
  sourceEventId: string;
}
