import type { Model } from 'mongoose';
import type { CursorPosition } from '@feedback/http';
import { appendToOutbox, type OutboxEntry } from '@feedback/service-kit';
import type { RequestStatus } from '../domain/information-request.types';

/** Fields every request document (information or feedback) has. */
export interface RequestDocBase {
  _id: string;
  businessId: string;
  status: RequestStatus;
  requestedAt: Date;
  expiresAt: Date;
  correlationId: string;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

export type Transition = { to: 'answered' | 'declined' | 'expired'; at: Date; set?: Record<string, unknown> };

/** The outbox is internal: never loaded with a request. */
export const WITHOUT_OUTBOX = { outbox: 0 };

/**
 * Moves a pending request to its outcome together with the outcome's events,
 * in one conditional single-document update: of two racing answers, or an
 * answer racing the expiry sweep, exactly one wins. Answers must beat the
 * deadline; expiry must come after it.
 */
export async function transitionRequest<T extends RequestDocBase>(model: Model<T>, id: string, transition: Transition, events: OutboxEntry[]): Promise<boolean> {
  const condition: Record<string, unknown> = {
    _id: id,
    status: 'pending',
    expiresAt: transition.to === 'expired' ? { $lte: transition.at } : { $gt: transition.at },
  };
  const outbox = appendToOutbox(events);
  const set = { status: transition.to, [`${transition.to}At`]: transition.at, ...transition.set, ...outbox.$set };
  // The driver's own updateOne: every value is already of its stored type, and mongoose's casting of the
  // filter and update was ~5 % of an answer's CPU (the respondent form's hot path).
  const result = await model.collection.updateOne(condition, { $set: set, $push: outbox.$push } as never);
  return result.modifiedCount === 1;
}

/** Pending requests past their deadline, oldest first (the expiry sweep). */
export function findDueForExpiry<T extends RequestDocBase>(model: Model<T>, now: Date, limit: number): Promise<T[]> {
  return model.find({ status: 'pending', expiresAt: { $lte: now } } as never, WITHOUT_OUTBOX).sort({ expiresAt: 1 }).limit(limit).lean<T[]>();
}

/** A business's requests, newest first, after `cursor`. */
export function listForBusiness<T extends RequestDocBase>(model: Model<T>, businessId: string, limit: number, cursor?: CursorPosition, status?: RequestStatus): Promise<T[]> {
  const filter: Record<string, unknown> = { businessId };
  if (status) filter.status = status;
  if (cursor) filter.$or = [{ requestedAt: { $lt: cursor.at } }, { requestedAt: cursor.at, _id: { $lt: cursor.id } }];
  return model.find(filter as never, WITHOUT_OUTBOX).sort({ requestedAt: -1, _id: -1 }).limit(limit).lean<T[]>();
}
