import {
  feedbackRequestsTopic,
  infoRequestsTopic,
  reportsTopic,
  type DocumentationRequested,
  type FeedbackRequested,
  type InformationDeclined,
  type InformationProvided,
  type InformationRequested,
  type InformationRequestExpired,
  type ReportResolved,
} from '@feedback/contracts';
import { deterministicUuid } from './delivery.policy';
import type { EmailFacts, EmailIntent, EmailKind, Recipient, TriggerEvent } from './email.types';

type Planner = (event: TriggerEvent) => EmailIntent[];

/** The email of kind `kind` that `event` calls for, to `recipient`. */
function email<TKind extends EmailKind>(
  event: TriggerEvent,
  kind: TKind,
  recipient: Recipient,
  rest: Pick<EmailIntent<TKind>, 'businessId' | 'link'> & { facts: EmailFacts[TKind] },
): EmailIntent<TKind> {
  return {
    notificationId: notificationIdFor(event.id, kind, recipient.userId),
    kind,
    trigger: { eventId: event.id, type: event.type, correlationId: event.correlationId },
    recipient,
    ...rest,
  };
}

/** Outcome emails go ONLY to the business user who sent the request (I6). */
function outcomeEmail(
  event: TriggerEvent,
  data: InformationProvided | InformationDeclined | InformationRequestExpired,
  outcome: EmailFacts['information-outcome']['outcome'],
  concludedAt: string,
): EmailIntent[] {
  return [
    email(event, 'information-outcome', { directory: 'business-users', businessId: data.businessId, userId: data.requestedBy }, {
      businessId: data.businessId,
      facts: {
        requestId: data.requestId,
        reviewId: data.reviewId,
        outcome,
        sharedFields: 'sharedFields' in data ? [...data.sharedFields] : [],
        requestedAt: data.requestedAt,
        concludedAt,
      },
    }),
  ];
}

/** Which emails each event type calls for, per topic. Event types not listed send nothing. */
const PLANNERS: Record<string, Record<string, Planner>> = {
  [infoRequestsTopic.name]: {
    [infoRequestsTopic.events.InformationRequested.type]: (event) => {
      const data = event.data as InformationRequested;
      return [
        email(event, 'information-request', { directory: 'people', userId: data.reviewerId }, {
          businessId: data.businessId,
          link: { purpose: 'information-request', subjectId: data.requestId, expiresAt: data.expiresAt },
          facts: { requestId: data.requestId, reviewId: data.reviewId, expiresAt: data.expiresAt },
        }),
      ];
    },
    [infoRequestsTopic.events.InformationProvided.type]: (event) => {
      const data = event.data as InformationProvided;
      return outcomeEmail(event, data, 'answered', data.providedAt);
    },
    [infoRequestsTopic.events.InformationDeclined.type]: (event) => {
      const data = event.data as InformationDeclined;
      return outcomeEmail(event, data, 'declined', data.declinedAt);
    },
    [infoRequestsTopic.events.InformationRequestExpired.type]: (event) => {
      const data = event.data as InformationRequestExpired;
      return outcomeEmail(event, data, 'expired', data.expiredAt);
    },
  },
  [feedbackRequestsTopic.name]: {
    [feedbackRequestsTopic.events.FeedbackRequested.type]: (event) => {
      const data = event.data as FeedbackRequested;
      return [
        email(event, 'feedback-request', { directory: 'people', userId: data.userId }, {
          businessId: data.businessId,
          link: { purpose: 'feedback-request', subjectId: data.requestId, expiresAt: data.expiresAt },
          facts: { requestId: data.requestId, surveyType: data.survey.type, expiresAt: data.expiresAt },
        }),
      ];
    },
  },
  [reportsTopic.name]: {
    /** R3: the reviewer, in their language, gets a link to the documentation form that ends with the deadline. */
    [reportsTopic.events.DocumentationRequested.type]: (event) => {
      const data = event.data as DocumentationRequested;
      return [
        email(event, 'documentation-request', { directory: 'people', userId: data.reviewerId }, {
          businessId: data.businessId,
          link: { purpose: 'documentation', subjectId: data.reportId, expiresAt: data.expiresAt },
          facts: { reportId: data.reportId, reviewId: data.reviewId, expiresAt: data.expiresAt },
        }),
      ];
    },
    /** R5: the decision goes to the business user who reported, and to nobody else. */
    [reportsTopic.events.ReportResolved.type]: (event) => {
      const data = event.data as ReportResolved;
      return [
        email(event, 'report-outcome', { directory: 'business-users', businessId: data.businessId, userId: data.reportedBy }, {
          businessId: data.businessId,
          facts: { reportId: data.reportId, reviewId: data.reviewId, reason: data.reason, decision: data.decision, decidedAt: data.decidedAt },
        }),
      ];
    },
  },
};

/**
 * The emails a validated event calls for (none for most events). Pure: the
 * recipients are named, not yet looked up, and the ids are deterministic, so
 * planning a redelivered event again yields the same emails.
 */
export function planEmails(topic: string, event: TriggerEvent): EmailIntent[] {
  return PLANNERS[topic]?.[event.type]?.(event) ?? [];
}

/** Topics that can call for an email (each needs a consumer). */
export const EMAIL_TRIGGER_TOPICS = Object.keys(PLANNERS);

/** The event types of `topic` that can call for an email; the topic's other events need nothing of this service. */
export function emailTriggerTypes(topic: string): string[] {
  return Object.keys(PLANNERS[topic] ?? {});
}

/** The notification id of the email of `kind` that event `eventId` calls for, to `recipientUserId`. */
export function notificationIdFor(eventId: string, kind: EmailKind, recipientUserId: string): string {
  return deterministicUuid(`email/${eventId}/${kind}/${recipientUserId}`);
}

/** Why an email cannot be sent at all; such an email is recorded `failed` without any SMTP attempt. */
export type Undeliverable = 'recipient unknown' | 'business unknown' | 'link expired before delivery';

/**
 * Whether a planned email can be sent now: its recipient must be in the
 * directory, the business it names must be known, and a link it carries must
 * still work (a backlog can deliver an event after its request expired).
 */
export function checkDeliverable(
  intent: Pick<EmailIntent, 'link'>,
  known: { recipient: boolean; business: boolean },
  now: Date,
): { ok: true } | { ok: false; reason: Undeliverable } {
  if (!known.recipient) return { ok: false, reason: 'recipient unknown' };
  if (!known.business) return { ok: false, reason: 'business unknown' };
  if (intent.link && new Date(intent.link.expiresAt).getTime() <= now.getTime()) return { ok: false, reason: 'link expired before delivery' };
  return { ok: true };
}

/** The key a waiting email is found by when a person's profile arrives (upstream.users.v1). */
export const personProfile = (userId: string): string => `person:${userId}`;
/** The key a waiting email is found by when a business's profile, with its users, arrives (upstream.businesses.v1). */
export const businessProfile = (businessId: string): string => `business:${businessId}`;

/**
 * The profiles an undeliverable email awaits: each party not known yet. A
 * business user is known through their business's profile, which lists them.
 */
export function awaitedProfiles(intent: Pick<EmailIntent, 'recipient' | 'businessId'>, known: { recipient: boolean; business: boolean }): string[] {
  const awaited = new Set<string>();
  if (!known.recipient) awaited.add(intent.recipient.directory === 'people' ? personProfile(intent.recipient.userId) : businessProfile(intent.recipient.businessId));
  if (!known.business) awaited.add(businessProfile(intent.businessId));
  return [...awaited];
}
