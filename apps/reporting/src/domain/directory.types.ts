/** What reporting knows of a review, from upstream.reviews.v1 (latest event wins). */
export interface KnownReview {
  reviewId: string;
  businessId: string;
  reviewerId: string;
  /** 1–5; 1 and 2 count as negative for the fairness monitor (R6). */
  rating: number;
  source: 'organic' | 'invited';
  language: string;
  publishedAt: Date;
}

export type InformationOutcome = 'pending' | 'answered' | 'declined' | 'expired';

/**
 * An information request about a review, as its events on info.requests.v1
 * told it (R1). Built field by field, so events may arrive in any order.
 */
export interface KnownInformationRequest {
  requestId: string;
  businessId: string;
  reviewId: string;
  requestedBy?: string;
  requestedAt?: Date;
  expiresAt?: Date;
  outcome: InformationOutcome;
  /** When it was answered, declined or expired. */
  concludedAt?: Date;
  /** Names of the fields the reviewer shared; never their values. */
  sharedFields?: string[];
  /** The business's verdict on the shared details (IdentificationRecorded, latest wins). */
  identification?: { identified: boolean; recordedAt: Date };
}
