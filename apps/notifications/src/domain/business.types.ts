import type { Versioned } from './directory.policy';

/** A user of a business who can be emailed (e.g. the outcome of a request they sent). */
export interface BusinessUserEntry {
  userId: string;
  email: string;
  /** BCP 47 tag, e.g. `nl-BE`. */
  preferredLanguage: string;
  role: 'admin' | 'member';
}

/** A business as last described by upstream.businesses.v1; a new profile replaces the old one whole. */
export interface Business extends Versioned {
  businessId: string;
  name: string;
  /** Shown in feedback-request emails (F11). */
  privacyPolicyUrl?: string;
  /** The business's own name for "reference number" (I4). */
  referenceNumberLabel?: string;
  users: BusinessUserEntry[];
}
