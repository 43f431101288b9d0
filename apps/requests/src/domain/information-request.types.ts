import type { SharedField } from '@feedback/contracts';

export type RequestStatus = 'pending' | 'answered' | 'declined' | 'expired';

export interface InformationRequest {
  id: string;
  businessId: string;
  reviewId: string;
  reviewerId: string;
  /** The business user who asked; the only one told the outcome (I6). */
  requestedBy: string;
  status: RequestStatus;
  requestedAt: Date;
  expiresAt: Date;
  /** Names of the fields the reviewer chose to share; values live only in feedback-store. */
  sharedFields?: SharedField[];
  answeredAt?: Date;
  declinedAt?: Date;
  expiredAt?: Date;
}

/** The details a reviewer chose to share; each present field is one they consented to share. */
export type Disclosure = Partial<Record<SharedField, string>>;
