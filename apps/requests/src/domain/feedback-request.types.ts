import type { Survey } from '@feedback/contracts';
import type { RequestStatus } from './information-request.types';

/** A private conversation a business had with a person (F1), from upstream.conversations.v1. */
export interface KnownConversation {
  conversationId: string;
  businessId: string;
  userId: string;
  representativeIds: string[];
  lastInteractionAt: Date;
}

export interface FeedbackRequest {
  id: string;
  businessId: string;
  conversationId: string;
  userId: string;
  representativeIds: string[];
  requestedBy: string;
  survey: Survey;
  /** F15: flows end to end, never counted in analytics. */
  test: boolean;
  status: RequestStatus;
  requestedAt: Date;
  expiresAt: Date;
  answeredAt?: Date;
  declinedAt?: Date;
  expiredAt?: Date;
}

/** One feedback request sent to a person, as counted by the anti-pestering rule (F14). */
export interface RecipientSend {
  businessId: string;
  at: Date;
}

export interface RecipientLimits {
  /** Requests per person per 24 h from one business (default 1). */
  perBusiness: number;
  /** Requests per person per 24 h across the platform (default 3). */
  platform: number;
}

/** The person's answer: a score (csat 1–5, nps 0–10) or a custom option, and an optional comment (F4). */
export interface FeedbackAnswer {
  score?: number;
  option?: string;
  comment?: string;
}
