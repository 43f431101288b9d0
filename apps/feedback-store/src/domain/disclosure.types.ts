import type { SealedValue, SharedField } from '@feedback/contracts';

/** The values a reviewer chose to share (I3); each field present is one they shared. */
export interface DisclosedDetails {
  email?: string;
  referenceNumber?: string;
  fullName?: string;
  phone?: string;
}

/** The facts of a disclosure that never change and outlive the values (kept after the purge). */
export interface DisclosureFacts {
  requestId: string;
  businessId: string;
  reviewId: string;
  /** The business user who asked. */
  requestedBy: string;
  providedAt: Date;
}

/** Whether the shared details let the business find the person (R1: `false` unlocks a not-genuine report). */
export interface Identification {
  identified: boolean;
  recordedBy: string;
  recordedAt: Date;
}

/**
 * A stored disclosure: the facts, the names of the shared fields, and the
 * values still sealed exactly as they arrived until the retention purge
 * removes them (I7).
 */
export interface Disclosure extends DisclosureFacts {
  sharedFields: SharedField[];
  /** Absent once purged. Sealed by the producer with context `disclosure:<requestId>`. */
  sealed?: SealedValue;
  purgedAt?: Date;
  identification?: Identification;
}

/** One audit record: written before the values are handed out (I7). */
export interface DetailsRead {
  readBy: string;
  readAt: Date;
  purpose: string;
}
