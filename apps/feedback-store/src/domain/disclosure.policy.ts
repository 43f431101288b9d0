import { z } from 'zod';
import type { SharedField } from '@feedback/contracts';
import type { DetailsRead, DisclosedDetails, Disclosure, DisclosureFacts, Identification } from './disclosure.types';

/**
 * The only purpose shared details may be read for (I7). Fixed text: the route
 * takes no purpose, so a caller cannot log a different one.
 */
export const DETAILS_READ_PURPOSE = "finding the person in the business's own customer records";

/** Order in which shared fields are listed, the order of the reviewer's form (I3). */
export const SHARED_FIELD_ORDER: readonly SharedField[] = ['email', 'referenceNumber', 'fullName', 'phone'];

/** Associated data the producer binds to the sealed values: they cannot be replayed onto another request. */
export function disclosureSealContext(requestId: string): string {
  return `disclosure:${requestId}`;
}

const detailsSchema = z.object({
  email: z.string().max(2000).optional(),
  referenceNumber: z.string().max(2000).optional(),
  fullName: z.string().max(2000).optional(),
  phone: z.string().max(2000).optional(),
});

/** Reads the opened JSON of a disclosure; anything that is not the agreed object is refused. */
export function parseDisclosedDetails(json: string): { ok: true; details: DisclosedDetails } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'the sealed value is not JSON' };
  }
  const parsed = detailsSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: `the sealed value is not {email?, referenceNumber?, fullName?, phone?}: ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}` };
  const details: DisclosedDetails = {};
  for (const field of sharedFieldsOf(parsed.data)) details[field] = parsed.data[field];
  return { ok: true, details };
}

/** Names of the fields the reviewer shared: those present with a value. */
export function sharedFieldsOf(details: DisclosedDetails): SharedField[] {
  return SHARED_FIELD_ORDER.filter((field) => typeof details[field] === 'string' && details[field].length > 0);
}

export type DisclosureWrite = { action: 'insert' } | { action: 'ignore'; reason: string } | { action: 'reject'; reason: string };

/**
 * Write-once: the first disclosure of a request is kept forever as it arrived.
 * A later one with the same facts and values is a replay (the producer's relay
 * may re-send, re-sealed with a new iv): ignored. One that contradicts the
 * stored record breaks the one-answer-per-request invariant: rejected (the
 * stored record still does not change). Once purged, only the facts can be compared.
 */
export function decideDisclosureWrite(
  incoming: DisclosureFacts & { details: DisclosedDetails },
  stored: (DisclosureFacts & { details?: DisclosedDetails }) | undefined,
): DisclosureWrite {
  if (!stored) return { action: 'insert' };
  const differing: string[] = (['businessId', 'reviewId', 'requestedBy'] as const).filter((k) => incoming[k] !== stored[k]);
  if (incoming.providedAt.getTime() !== stored.providedAt.getTime()) differing.push('providedAt');
  if (differing.length > 0) return { action: 'reject', reason: `conflicts with the stored disclosure of request ${incoming.requestId} (${differing.join(', ')} differ); the first one is kept` };
  if (stored.details && !sameDetails(incoming.details, stored.details)) {
    return { action: 'reject', reason: `carries other values than the stored disclosure of request ${incoming.requestId}; the first one is kept` };
  }
  return { action: 'ignore', reason: 'replay of the stored disclosure' };
}

function sameDetails(a: DisclosedDetails, b: DisclosedDetails): boolean {
  return SHARED_FIELD_ORDER.every((field) => (a[field] ?? '') === (b[field] ?? ''));
}

/** When the values of a disclosure are due for purging: retention counts from when the reviewer shared them. */
export function retentionEndsAt(providedAt: Date, retentionMs: number): Date {
  return new Date(providedAt.getTime() + retentionMs);
}

/** Whether a disclosure's values must be purged at `now` (I7). */
export function isRetentionDue(disclosure: Pick<Disclosure, 'providedAt' | 'purgedAt'>, now: Date, retentionMs: number): boolean {
  return !disclosure.purgedAt && retentionEndsAt(disclosure.providedAt, retentionMs).getTime() <= now.getTime();
}

/**
 * The same rule as a bound for a store query: every disclosure provided at or
 * before the cutoff (and not purged yet) is due.
 */
export function retentionCutoff(now: Date, retentionMs: number): Date {
  return new Date(now.getTime() - retentionMs);
}

export type DetailsReadDecision = { outcome: 'not_found' } | { outcome: 'purged'; purgedAt: Date } | { outcome: 'readable' };

/**
 * Whether `businessId` may be handed the values. Another business's request is
 * answered exactly like an unknown one, so its existence does not leak.
 */
export function decideDetailsRead(stored: Pick<Disclosure, 'businessId' | 'sealed' | 'purgedAt'> | undefined, businessId: string): DetailsReadDecision {
  if (!stored || stored.businessId !== businessId) return { outcome: 'not_found' };
  if (stored.purgedAt || !stored.sealed) return { outcome: 'purged', purgedAt: stored.purgedAt ?? new Date(0) };
  return { outcome: 'readable' };
}

/** The audit record every successful read writes first. */
export function auditRecord(readBy: string, readAt: Date): DetailsRead {
  return { readBy, readAt, purpose: DETAILS_READ_PURPOSE };
}

export type IdentificationDecision =
  | { outcome: 'not_found' }
  | { outcome: 'unchanged'; current: Identification }
  | { outcome: 'record'; identification: Identification };

/**
 * Recording whether the person was identified, for an answered request of this
 * business. The latest answer wins and each change is a new event; repeating
 * the current answer changes nothing (a safe retry). Allowed after the purge:
 * it is a fact about the request, not a value.
 */
export function decideIdentification(
  stored: Pick<Disclosure, 'businessId' | 'identification'> | undefined,
  businessId: string,
  request: { identified: boolean; recordedBy: string; recordedAt: Date },
): IdentificationDecision {
  if (!stored || stored.businessId !== businessId) return { outcome: 'not_found' };
  if (stored.identification && stored.identification.identified === request.identified) return { outcome: 'unchanged', current: stored.identification };
  return { outcome: 'record', identification: { identified: request.identified, recordedBy: request.recordedBy, recordedAt: request.recordedAt } };
}
