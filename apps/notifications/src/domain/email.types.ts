import type { LinkPurpose } from '@feedback/auth';
import type { ReportDecision, ReportReason, SharedField } from '@feedback/contracts';

/** How an information request ended, as told to the business user who sent it (I6). */
export type InformationOutcome = 'answered' | 'declined' | 'expired';

/**
 * Every kind of email and the facts its template needs, taken from the
 * triggering event. A new kind is a new entry here, a planner in
 * email.policy.ts and a template folder with its texts: the pipeline itself
 * does not change.
 */
export interface EmailFacts {
  /** To the reviewer: the standard message of I3 with a link to the form. */
  'information-request': { requestId: string; reviewId: string; expiresAt: string };
  /** To the business user who asked: answered (field names only), declined or expired (I6, I8). */
  'information-outcome': {
    requestId: string;
    reviewId: string;
    outcome: InformationOutcome;
    /** Names of the shared fields, never their values; empty unless answered. */
    sharedFields: SharedField[];
    requestedAt: string;
    /** When the request was answered, declined or expired. */
    concludedAt: string;
  };
  /** To the person of a conversation: the survey link and the business's privacy policy (F11). */
  'feedback-request': { requestId: string; surveyType: 'csat' | 'nps' | 'custom'; expiresAt: string };
  /** To the reviewer of a review reported as not genuine: a link to send documentation to the integrity team (R3). */
  'documentation-request': { reportId: string; reviewId: string; expiresAt: string };
  /** To the business user who reported: the integrity team's decision (R5). */
  'report-outcome': { reportId: string; reviewId: string; reason: ReportReason; decision: ReportDecision; decidedAt: string };
}

export type EmailKind = keyof EmailFacts;

/** Who an email goes to, and which directory knows their address and language. */
export type Recipient =
  /** A person (reviewer, customer): the contact directory of upstream.users.v1. */
  | { directory: 'people'; userId: string }
  /** A user of a business: the business directory of upstream.businesses.v1. */
  | { directory: 'business-users'; businessId: string; userId: string };

/** A respondent link the email carries; signed when the email is rendered. */
export interface LinkRequest {
  purpose: LinkPurpose;
  /** The request (or report) the link answers. */
  subjectId: string;
  /** The link stops working then; an email whose link is already dead is not sent. */
  expiresAt: string;
}

/** An email an event calls for, before its recipient is looked up. */
export interface EmailIntent<TKind extends EmailKind = EmailKind> {
  /** Deterministic from the triggering event, kind and recipient: a redelivered event maps to the same email. */
  notificationId: string;
  kind: TKind;
  trigger: { eventId: string; type: string; correlationId: string };
  recipient: Recipient;
  /** The business the email is about; its name appears in the email. */
  businessId: string;
  link?: LinkRequest;
  facts: EmailFacts[TKind];
}

/** The parts of a consumed event the planners read. */
export interface TriggerEvent {
  id: string;
  type: string;
  correlationId: string;
  data: unknown;
}
