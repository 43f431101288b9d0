import type { SharedField } from '@feedback/contracts';

/** The order the form shows the shareable details in (I3). */
export const SHARED_FIELDS_ORDER: readonly SharedField[] = ['email', 'referenceNumber', 'fullName', 'phone'];
export type { SharedField };
