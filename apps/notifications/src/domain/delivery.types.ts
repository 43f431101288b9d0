import type { EmailKind } from './email.types';

/**
 * `waiting`: the recipient's or the business's profile is not known yet (see
 * profileWait); `sending`: claimed, attempts under way; `sent` and `failed` are final.
 */
export type DeliveryStatus = 'waiting' | 'sending' | 'sent' | 'failed';

/** Final statuses: the only ones the delivery log lists and the only ones events are emitted for. */
export const FINAL_STATUSES = ['sent', 'failed'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

/** One line of the delivery log. */
export interface DeliveryLogEntry {
  notificationId: string;
  kind: EmailKind;
  /** The recipient's address, when one was known (not for `recipient unknown`). */
  recipient?: string;
  userId?: string;
  language: string;
  status: FinalStatus;
  attempts: number;
  /** Why it failed, without the address. */
  reason?: string;
  /** When it reached its final status. */
  at: Date;
}

/** The result of trying to hand an email to the mail server. */
export type DeliveryResult =
  | { sent: true; attempts: number }
  /** `unreachable`: the mail server itself could not be reached, so nothing is known about this email yet. */
  | { sent: false; attempts: number; reason: string; unreachable?: boolean };
