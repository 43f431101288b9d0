import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Model, QueryFilter, UpdateQuery } from 'mongoose';
import type { CursorPosition } from '@feedback/http';
import { duplicateKeyPositions, isDuplicateKeyError } from '@feedback/persistence';
import { KeyRing } from '@feedback/pii';
import { appendToOutbox, type OutboxEntry } from '@feedback/service-kit';
import { FINAL_STATUSES, type DeliveryLogEntry, type DeliveryResult, type DeliveryStatus, type FinalStatus } from '../../domain/delivery.types';
import type { EmailIntent, EmailKind } from '../../domain/email.types';
import { DeliveryDocument } from './delivery.schema';
import { RecipientHasher } from './recipient-hash';

export const DELIVERIES = 'deliveries';

/** What is known about an email before it is sent. */
export interface DeliveryDraft {
  notificationId: string;
  kind: EmailKind;
  userId?: string;
  businessId?: string;
  language: string;
  trigger: { eventId: string; type: string; correlationId: string };
  /** The address; absent when the recipient is unknown. */
  recipient?: string;
}

export interface DeliveryState {
  status: DeliveryStatus;
  attempts: number;
  outboxPending: boolean;
  /** While waiting for a profile: since when (its wait runs from there). */
  waitingSince?: Date;
}

/** An email parked until its recipient's or business's profile is known. */
export interface ParkedEmail {
  draft: DeliveryDraft;
  intent: EmailIntent;
  wait: { since: Date; retryAt: Date };
  /** The profiles whose arrival makes it due (awaitedProfiles). */
  awaiting: string[];
  /** The batch found a delivery record for it (a waiting one, parked again); a new one is inserted whole. */
  recorded: boolean;
}

/** An email about to be sent, and the count of attempts its first attempt makes. */
export interface DeliveryClaim {
  draft: DeliveryDraft;
  attempts: number;
  /** Whether the batch found a record of this email (see claimMany). */
  recorded: boolean;
}

/** An email's outcome, and the event that announces it. */
export interface DeliveryConclusion {
  draft: DeliveryDraft;
  result: DeliveryResult;
  event: OutboxEntry;
}

export interface DeliveryLogQuery {
  recipient?: string;
  status?: FinalStatus;
  after?: CursorPosition;
  limit: number;
}

type RecipientFields = { sealedRecipient: ReturnType<KeyRing['seal']>; recipientHash: string };
const sealContext = (notificationId: string) => `delivery:${notificationId}`;
/** What a waiting email keeps only while it waits. */
const WAITING_FIELDS = { waitingIntent: '', retryAt: '', waitLease: '', awaiting: '' } as const;
/** The retry time of a released email: due before any email whose wait merely ran out. */
const RELEASED = new Date(0);
const notFinal = (notificationId: string) => ({ _id: notificationId, status: { $nin: [...FINAL_STATUSES] } });

@Injectable()
export class DeliveryRepository {
  constructor(
    @InjectModel(DeliveryDocument.name) private readonly deliveries: Model<DeliveryDocument>,
    private readonly keyRing: KeyRing,
    private readonly hasher: RecipientHasher,
  ) {}

  private readonly sealedRecipients = new WeakMap<DeliveryDraft, RecipientFields>();

  /** The driver's collection, for the bulk writes of a batch's emails (no per-document casting). */
  private get collection() {
    return this.deliveries.collection as unknown as Collection<DeliveryDocument & { _id: string }>;
  }

  /** The states of many deliveries in one read (a consumer batch's emails); absent ones were never recorded. */
  async findStates(notificationIds: readonly string[]): Promise<Map<string, DeliveryState>> {
    if (notificationIds.length === 0) return new Map();
    const docs = await this.deliveries.find({ _id: { $in: [...notificationIds] } }, { status: 1, attempts: 1, outboxPending: 1, waitingSince: 1 }).lean();
    return new Map(
      docs.map((doc) => [
        doc._id,
        {
          status: doc.status,
          attempts: doc.attempts ?? 0,
          outboxPending: doc.outboxPending ?? false,
          ...(doc.waitingSince ? { waitingSince: doc.waitingSince } : {}),
        },
      ]),
    );
  }

  /**
   * Parks emails until their `retryAt` because their recipient or business is
   * not known yet, in one write. Only a new or waiting email is parked: one
   * already sending or final is left alone.
   */
  async parkMany(emails: readonly ParkedEmail[], now: Date): Promise<void> {
    const again = emails.filter((e) => e.recorded);
    const fresh = emails.filter((e) => !e.recorded);
    if (fresh.length > 0) {
      // Inserted whole: an upsert that matches nothing builds the same document from its filter and operators,
      // which the local store does at several times the cost of an insert (a flood of emails to unknown people).
      try {
        await this.collection.insertMany(
          fresh.map((email) => {
            const { set, onInsert } = this.parking(email, now);
            return { _id: email.draft.notificationId, status: 'waiting' as const, ...set, waits: 1, ...onInsert };
          }) as never[],
          { ordered: false },
        );
      } catch (error) {
        // Recorded meanwhile (another instance, or a redelivery): parked like one found recorded.
        const taken = duplicateKeyPositions(error);
        if (!taken) throw error;
        for (const position of taken) again.push(fresh[position]!);
      }
    }
    if (again.length === 0) return;
    const writes = again.map((email) => {
      const { set, onInsert } = this.parking(email, now);
      // Parked again by the instance that leased it (takeDueWaiting): the lease ends here, so a profile arriving now releases it.
      const update = { $set: set, $inc: { waits: 1 }, $unset: { waitLease: '' }, $setOnInsert: onInsert };
      return { updateOne: { filter: { _id: email.draft.notificationId, status: 'waiting' }, update, upsert: true } };
    });
    try {
      // The driver's own bulk write: mongoose's casted each update, a quarter of the service's CPU while it
      // parked the emails of a flood of requests to people it did not know yet (CPU profile of the bench's pipeline).
      await this.collection.bulkWrite(writes as never, { ordered: false });
    } catch (error) {
      // Unordered: every other email is parked; a duplicate key is one another status has (left alone).
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /**
   * Makes due at once the waiting emails that await any of `profiles` (they
   * have just arrived), for the next takeDueWaiting. One leased by an instance
   * trying it now is left to it: it parks the email again and then looks for
   * the profiles itself (see EmailPipeline.releaseArrived).
   */
  async releaseAwaiting(profiles: readonly string[]): Promise<number> {
    if (profiles.length === 0) return 0;
    return this.release({ awaiting: { $in: [...profiles] } });
  }

  /** Makes these waiting emails due at once (their profiles arrived while they were being parked). */
  async releaseParked(notificationIds: readonly string[]): Promise<number> {
    if (notificationIds.length === 0) return 0;
    return this.release({ _id: { $in: [...notificationIds] } });
  }

  private async release(which: QueryFilter<DeliveryDocument>): Promise<number> {
    const result = await this.deliveries.updateMany({ ...which, status: 'waiting', waitLease: { $exists: false } }, { $set: { retryAt: RELEASED } });
    return result.modifiedCount;
  }

  /**
   * How many emails wait for a profile, and how many of those are due now
   * (released by their profile's arrival, or at the end of their wait) and not
   * taken by an instance yet: for /metrics. Both are counted on the
   * `status, retryAt` index.
   */
  async countWaiting(now: Date, maxTimeMS: number): Promise<{ waiting: number; due: number }> {
    const [waiting, due] = await Promise.all([
      this.collection.countDocuments({ status: 'waiting' }, { maxTimeMS }),
      this.collection.countDocuments({ status: 'waiting', retryAt: { $lte: now } }, { maxTimeMS }),
    ]);
    return { waiting, due };
  }

  /**
   * Takes up to `limit` waiting emails whose retry is due, each with a lease
   * (its retry moved `leaseMs` ahead, under this call's lease id): with several
   * instances, each email is tried by one of them. Three round trips a call.
   */
  async takeDueWaiting(now: Date, limit: number, leaseMs: number): Promise<EmailIntent[]> {
    const due = await this.deliveries.find({ status: 'waiting', retryAt: { $lte: now } }, { _id: 1 }).limit(limit).lean();
    if (due.length === 0) return [];
    const ids = due.map((doc) => doc._id);
    const lease = randomUUID();
    await this.deliveries.updateMany({ _id: { $in: ids }, status: 'waiting', retryAt: { $lte: now } }, { $set: { retryAt: new Date(now.getTime() + leaseMs), waitLease: lease } });
    const taken = await this.deliveries.find({ _id: { $in: ids }, status: 'waiting', waitLease: lease }, { waitingIntent: 1 }).lean();
    return taken.flatMap((doc) => (doc.waitingIntent ? [doc.waitingIntent] : []));
  }

  /**
   * Marks emails `sending` (creating their records, or resuming ones a crash
   * left behind) with the count of attempts their first attempt now makes, in
   * one write for all. Returns the ids claimed: an email that already reached
   * a final status is not, and must never be sent again.
   */
  async claimMany(claims: readonly DeliveryClaim[], now: Date): Promise<Set<string>> {
    const again = claims.filter((c) => c.recorded);
    const fresh = claims.filter((c) => !c.recorded);
    const claimed = new Set<string>();
    if (fresh.length > 0) {
      // Inserted whole, as parkMany does: an upsert that matches nothing was the local store's
      // costliest step of sending an email (its samples in a JFR recording of the bench's scenario).
      try {
        await this.collection.insertMany(
          fresh.map(({ draft, attempts }) => ({ _id: draft.notificationId, ...this.sending(draft, attempts, now), ...this.newRecord(draft, now) })) as never[],
          { ordered: false },
        );
        for (const { draft } of fresh) claimed.add(draft.notificationId);
      } catch (error) {
        // Recorded meanwhile (another instance, or a redelivery): claimed like one found recorded, if it is not final.
        const taken = duplicateKeyPositions(error);
        if (!taken) throw error;
        fresh.forEach((claim, position) => (taken.has(position) ? again.push(claim) : claimed.add(claim.draft.notificationId)));
      }
    }
    const resumed = await this.upsertManyUnlessTaken(
      again.map(({ draft, attempts }) => ({
        filter: notFinal(draft.notificationId),
        update: { $set: this.sending(draft, attempts, now), $unset: WAITING_FIELDS, $setOnInsert: this.newRecord(draft, now) },
      })),
    );
    for (const id of resumed) claimed.add(id);
    return claimed;
  }

  /** What claiming an email sets on its record. */
  private sending(draft: DeliveryDraft, attempts: number, now: Date) {
    return { status: 'sending' as const, language: draft.language, at: now, attempts, ...this.recipientFields(draft) };
  }

  async recordAttempt(notificationId: string, attempts: number): Promise<void> {
    await this.deliveries.updateOne({ _id: notificationId, status: 'sending' }, { $set: { attempts } });
  }

  /**
   * Records final statuses and, in the same single-document write each, the
   * event that announces it (outbox), in one write for all. Creates the record
   * of an email that never got as far as sending (recipient unknown). Returns
   * the ids recorded now: one already final is left as it is.
   */
  concludeMany(conclusions: readonly DeliveryConclusion[], now: Date): Promise<Set<string>> {
    return this.upsertManyUnlessTaken(
      conclusions.map(({ draft, result, event }) => {
        const outbox = appendToOutbox([event]);
        const final = { status: result.sent ? 'sent' : 'failed', attempts: result.attempts, at: now, language: draft.language, ...(result.sent ? {} : { reason: result.reason }) };
        return {
          filter: notFinal(draft.notificationId),
          update: { $set: { ...final, ...this.recipientFields(draft), ...outbox.$set }, $push: outbox.$push, $unset: WAITING_FIELDS, $setOnInsert: this.identity(draft, now) },
        };
      }),
    );
  }

  /**
   * Applies each update to the delivery its filter selects, creating it if it
   * does not exist, in one unordered write. Returns the ids written: one that
   * exists but its filter does not select (the unique `_id` refuses the
   * insert) has another status and was left unchanged.
   */
  private async upsertManyUnlessTaken(writes: { filter: { _id: string }; update: UpdateQuery<DeliveryDocument> }[]): Promise<Set<string>> {
    const written = new Set(writes.map((w) => w.filter._id));
    if (writes.length === 0) return written;
    try {
      await this.collection.bulkWrite(
        writes.map(({ filter, update }) => ({ updateOne: { filter: filter as never, update: update as never, upsert: true } })),
        { ordered: false },
      );
    } catch (error) {
      const taken = duplicateKeyPositions(error);
      if (!taken) throw error;
      for (const position of taken) written.delete(writes[position]!.filter._id);
    }
    return written;
  }

  /** Final deliveries, newest first, from `after` on; `limit + 1` are read to know whether more follow. */
  async list(query: DeliveryLogQuery): Promise<{ entries: DeliveryLogEntry[]; more: boolean }> {
    const filter: QueryFilter<DeliveryDocument> = { status: query.status ?? { $in: [...FINAL_STATUSES] } };
    if (query.recipient !== undefined) filter.recipientHash = { $in: this.hasher.candidates(query.recipient) };
    if (query.after) filter.$or = [{ at: { $lt: query.after.at } }, { at: query.after.at, _id: { $lt: query.after.id } }];
    const docs = await this.deliveries
      .find(filter, { outbox: 0 })
      .sort({ at: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean();
    const entries = docs.slice(0, query.limit).map((doc) => ({
      notificationId: doc._id,
      kind: doc.kind as EmailKind,
      recipient: doc.sealedRecipient ? this.keyRing.open(doc.sealedRecipient, sealContext(doc._id)) : undefined,
      userId: doc.userId,
      language: doc.language,
      status: doc.status as FinalStatus,
      attempts: doc.attempts,
      reason: doc.reason,
      at: doc.at,
    }));
    return { entries, more: docs.length > query.limit };
  }

  /** What parking an email sets on its record, and what a new record of it starts with (inserted or upserted alike). */
  private parking({ draft, intent, wait, awaiting }: ParkedEmail, now: Date) {
    return {
      set: { language: draft.language, at: now, waitingSince: wait.since, retryAt: wait.retryAt, waitingIntent: intent, awaiting },
      onInsert: { ...this.newRecord(draft, now), attempts: 0 },
    };
  }

  /** What a new record starts with, whatever status it is created in: who and what it is for, and an empty outbox. */
  private newRecord(draft: DeliveryDraft, now: Date) {
    return { ...this.identity(draft, now), outbox: [], outboxPending: false };
  }

  private identity(draft: DeliveryDraft, now: Date) {
    return {
      kind: draft.kind,
      ...(draft.userId ? { userId: draft.userId } : {}),
      ...(draft.businessId ? { businessId: draft.businessId } : {}),
      triggerEventId: draft.trigger.eventId,
      triggerType: draft.trigger.type,
      correlationId: draft.trigger.correlationId,
      createdAt: now,
    };
  }

  /** Sealed once per draft: an email's claim and its conclusion write the same values. */
  private recipientFields(draft: DeliveryDraft): Partial<RecipientFields> {
    if (!draft.recipient) return {};
    const known = this.sealedRecipients.get(draft);
    if (known) return known;
    const fields = { sealedRecipient: this.keyRing.seal(draft.recipient, sealContext(draft.notificationId)), recipientHash: this.hasher.hash(draft.recipient) };
    this.sealedRecipients.set(draft, fields);
    return fields;
  }
}
