import type { KnownBusiness } from './directory.types';

/** Admin status comes from the business's latest profile; an unknown business has no admins. */
export function isBusinessAdmin(business: KnownBusiness | undefined, userId: string): boolean {
  return business?.users.some((u) => u.userId === userId && u.role === 'admin') ?? false;
}

/** The label the respondent form shows for "reference number" (I4): the business's setting, its profile's, or none. */
export function referenceNumberLabel(settingsLabel: string | undefined, profileLabel: string | undefined): string | undefined {
  return settingsLabel ?? profileLabel;
}
