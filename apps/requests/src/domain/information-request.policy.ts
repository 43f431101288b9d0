import type { KnownReview } from './directory.types';
import type { Disclosure, InformationRequest } from './information-request.types';

/** A refusal with the HTTP status and the code of DESIGN.md section 2. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
}

export type Decision<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

const refuse = (status: number, code: string, message: string): { ok: false; refusal: Refusal } => ({ ok: false, refusal: { status, code, message } });

/**
 * May this business ask the author of this review for details? (I1, I2)
 * The "once per review" rule (I1) is also enforced by a unique index, so two
 * concurrent requests can't both pass; this check gives the usual case its
 * clear answer. There is deliberately no age limit on the review.
 */
export function decideInformationRequest(input: {
  businessId: string;
  review: KnownReview | undefined;
  existing: InformationRequest | undefined;
  now: Date;
  windowMs: number;
}): Decision<{ expiresAt: Date }> {
  const { review, businessId } = input;
  // Another business's review is "not found" for this business: existence is not leaked.
  if (!review || review.businessId !== businessId) return refuse(404, 'review_not_found', 'no review with this id is known for this business');
  if (input.existing) return refuse(409, 'already_requested', 'information was already requested for this review');
  if (review.source === 'invited') {
    return refuse(422, 'invited_review', 'reviews written after an invitation sent through the platform cannot get information requests');
  }
  return { ok: true, value: { expiresAt: new Date(input.now.getTime() + input.windowMs) } };
}

/**
 * May the reviewer answer (or decline) now? (F6-like single answer, I5)
 * A request past its deadline is expired even if the expiry job has not run yet.
 */
export function decideResponse(request: Pick<InformationRequest, 'status' | 'expiresAt'>, now: Date): Decision<true> {
  if (request.status === 'answered' || request.status === 'declined') return refuse(409, 'already_answered', 'this request has already been answered');
  if (request.status === 'expired' || request.expiresAt.getTime() <= now.getTime()) {
    return refuse(410, 'expired', 'the time to answer this request has passed');
  }
  return { ok: true, value: true };
}

/** Whether the expiry job should expire this request now. */
export function isDueForExpiry(request: Pick<InformationRequest, 'status' | 'expiresAt'>, now: Date): boolean {
  return request.status === 'pending' && request.expiresAt.getTime() <= now.getTime();
}

export type FieldErrors = Partial<Record<keyof Disclosure | 'form', string>>;

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
const PHONE = /^\+?[0-9 ()./-]{6,25}$/;

/**
 * Checks what the reviewer chose to share (I3): each field optional, but at
 * least one (declining is a separate action). Returns trimmed values or the
 * per-field problems, as error keys the form translates.
 */
export function validateDisclosure(input: Disclosure): Decision<Disclosure> & { errors?: FieldErrors } {
  const errors: FieldErrors = {};
  const values: Disclosure = {};
  const email = input.email?.trim();
  const referenceNumber = input.referenceNumber?.trim();
  const fullName = input.fullName?.trim();
  const phone = input.phone?.trim();

  if (input.email !== undefined) {
    if (!email) errors.email = 'required';
    else if (email.length > 320 || !EMAIL.test(email)) errors.email = 'invalid_email';
    else values.email = email;
  }
  if (input.referenceNumber !== undefined) {
    if (!referenceNumber) errors.referenceNumber = 'required';
    else if (referenceNumber.length > 100) errors.referenceNumber = 'too_long';
    else values.referenceNumber = referenceNumber;
  }
  if (input.fullName !== undefined) {
    if (!fullName) errors.fullName = 'required';
    else if (fullName.length > 200) errors.fullName = 'too_long';
    else values.fullName = fullName;
  }
  if (input.phone !== undefined) {
    const digits = (phone ?? '').replace(/\D/g, '');
    if (!phone) errors.phone = 'required';
    else if (!PHONE.test(phone) || digits.length < 6 || digits.length > 15) errors.phone = 'invalid_phone';
    else values.phone = phone;
  }
  if (Object.keys(errors).length === 0 && Object.keys(values).length === 0) errors.form = 'nothing_shared';
  if (Object.keys(errors).length > 0) {
    return { ok: false, refusal: { status: 400, code: 'validation_failed', message: describe(errors) }, errors };
  }
  return { ok: true, value: values };
}

function describe(errors: FieldErrors): string {
  const text: Record<string, string> = {
    required: 'is empty but was chosen to be shared',
    invalid_email: 'is not an email address',
    invalid_phone: 'is not a phone number',
    too_long: 'is too long',
    nothing_shared: 'choose at least one detail to share, or decline',
  };
  return Object.entries(errors)
    .map(([field, key]) => (field === 'form' ? text[key!] : `${field} ${text[key!]}`))
    .join('; ');
}
