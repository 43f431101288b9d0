import type { Versioned } from './directory.policy';

/** A person the platform may email, as last described by upstream.users.v1. */
export interface Contact extends Versioned {
  userId: string;
  email: string;
  preferredLanguage: string;
  displayName: string;
}
