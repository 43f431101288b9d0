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

/** What a business user wants to do with a request's shared details. */
export type DisclosurePermission = 'read-details' | 'read-audit-log' | 'record-identification';

export type BusinessAccessDecision = { allowed: true; role: BusinessRole } | { allowed: false; reason: string };

/** Admins only may read the audit log of reads; any user of the business may do the rest. */
const REQUIRED: Record<DisclosurePermission, readonly BusinessRole[]> = {
  'read-details': ['admin', 'member'],
  'record-identification': ['admin', 'member'],
  'read-audit-log': ['admin'],
};

/**
 * Decides whether a caller (already proven to hold a business token for this
 * business) may use a disclosure route. Membership and admin status come from
 * the latest business profile (DESIGN.md 3.3): a user who is not on it, e.g.
 * one removed since the token was issued, is refused. Pure.
 */
export function decideBusinessAccess(userId: string, roster: Pick<BusinessRoster, 'users'> | undefined, permission: DisclosurePermission): BusinessAccessDecision {
  if (!roster) return { allowed: false, reason: 'this business is not known yet' };
  const user = roster.users.find((u) => u.userId === userId);
  if (!user) return { allowed: false, reason: 'you are not a user of this business' };
  if (!REQUIRED[permission].includes(user.role)) return { allowed: false, reason: `only admins of this business may ${describe(permission)}` };
  return { allowed: true, role: user.role };
}

function describe(permission: DisclosurePermission): string {
  switch (permission) {
    case 'read-audit-log':
      return 'see who read shared details';
    case 'read-details':
      return 'read shared details';
    case 'record-identification':
      return 'record whether the person was identified';
  }
}
