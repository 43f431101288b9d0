import type { Principal, Role } from './principal';

/** What a route requires: the roles allowed, and whether it is scoped to the `:businessId` in its path. */
export interface AccessRule {
  roles: readonly Role[];
  /** Business and processor callers must belong to the business named in the path. */
  tenantParam?: string;
  /** Processors (F13) are read-only: they may only use routes that say so. */
  allowProcessorWrites?: boolean;
}

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

/** Decides whether a verified caller may use a route. Pure. */
export function decideAccess(principal: Principal, rule: AccessRule, params: Record<string, string | undefined>, method: string): AccessDecision {
  if (!rule.roles.includes(principal.role)) return { allowed: false, reason: `role ${principal.role} may not use this route` };
  const tenant = rule.tenantParam ? params[rule.tenantParam] : undefined;
  if (tenant !== undefined && (principal.role === 'business' || principal.role === 'processor') && principal.businessId !== tenant) {
    return { allowed: false, reason: 'this token belongs to another business' };
  }
  if (principal.role === 'processor' && method !== 'GET' && method !== 'HEAD' && !rule.allowProcessorWrites) {
    return { allowed: false, reason: 'processor credentials are read-only' };
  }
  return { allowed: true };
}
