/** What requests knows of a review, from upstream.reviews.v1. */
export interface KnownReview {
  reviewId: string;
  businessId: string;
  reviewerId: string;
  rating: number;
  source: 'organic' | 'invited';
  language: string;
  publishedAt: Date;
}

export type BusinessRole = 'admin' | 'member';

/** The latest BusinessProfileUpdated of a business, merged with its own settings. */
export interface KnownBusiness {
  businessId: string;
  name: string;
  privacyPolicyUrl?: string;
  /** From the profile; the business's own setting (PUT settings) wins over it. */
  referenceNumberLabel?: string;
  users: { userId: string; role: BusinessRole }[];
}

/** What a business set through `PUT /v1/businesses/:businessId/settings`. */
export interface BusinessSettings {
  referenceNumberLabel?: string;
  feedbackWindowDays?: number;
  sharePrompt?: { enabled: boolean; url?: string };
}
