import type { BusinessRole, BusinessRoster } from './business-roster.types';

type Version = Pick<BusinessRoster, 'asOf' | 'sourceEventId'>;

/**
 * Whether a profile event should replace the stored roster. Profiles can arrive
 * late or twice: the newest `occurredAt` wins, ties go to the greater event id,
 * so every consumer ends with the same roster whatever the delivery order.
 */
export function supersedes(incoming: Version, stored: Version | undefined): boolean {
  if (!stored) return true;
  const diff = incoming.asOf.getTime() - stored.asOf.getTime();
  if (diff !== 0) return diff > 0;
  return incoming.sourceEventId > stored.sourceEventId;
}

/** What a caller wants to do with the business's records. */
export type BusinessAction = 'read-details' | 'read-audit-log' | 'record-identification' | 'read-feedback' | 'erase-feedback';

/** How the caller acts for the business: a user's role on its latest profile, or a processor credential (F13). */
export type BusinessAccessRole = BusinessRole | 'processor';

export type BusinessAccessDecision = { allowed: true; role: BusinessAccessRole } | { allowed: false; reason: string };

/**
 * Admins only may read the audit log of reads and erase answers; members may
 * read answers (the service narrows them to their own conversations, F7) and
 * use the shared details; processors may only read answers (F13), never shared details.
 */
const REQUIRED: Record<BusinessAction, readonly BusinessAccessRole[]> = {
  'read-details': ['admin', 'member'],
  'record-identification': ['admin', 'member'],
  'read-audit-log': ['admin'],
  'read-feedback': ['admin', 'member', 'processor'],
  'erase-feedback': ['admin'],
};

/**
 * Decides whether a caller (already proven to hold a business or processor
 * token for this business) may do `action`. A business user's membership and
 * admin status come from the latest business profile (DESIGN.md 3.3): a user
 * who is not on it, e.g. one removed since the token was issued, is refused. A
 * processor credential is scoped to the business by its token and is not on
 * the profile: its rights are the processor ones. Pure.
 */
export function decideBusinessAccess(caller: { userId: string; role: string }, roster: Pick<BusinessRoster, 'users'> | undefined, action: BusinessAction): BusinessAccessDecision {
  if (caller.role === 'processor') {
    return REQUIRED[action].includes('processor') ? { allowed: true, role: 'processor' } : { allowed: false, reason: `processor credentials may not ${describe(action)}` };
  }
  if (caller.role !== 'business') return { allowed: false, reason: 'this route needs a business user' };
  if (!roster) return { allowed: false, reason: 'this business is not known yet' };
  const user = roster.users.find((u) => u.userId === caller.userId);
  if (!user) return { allowed: false, reason: 'you are not a user of this business' };
  if (!REQUIRED[action].includes(user.role)) return { allowed: false, reason: `only admins of this business may ${describe(action)}` };
  return { allowed: true, role: user.role };
}

function describe(action: BusinessAction): string {
  switch (action) {
    case 'read-audit-log':
      return 'see who read shared details';
    case 'read-details':
      return 'read shared details';
    case 'record-identification':
      return 'record whether the person was identified';
    case 'read-feedback':
      return 'read feedback';
    case 'erase-feedback':
      return 'erase feedback';
  }
}
