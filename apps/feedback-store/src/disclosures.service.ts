import { Injectable, Logger } from '@nestjs/common';
import { infoRequestsTopic, type InformationDisclosed } from '@feedback/contracts';
import { DomainError, type CursorPosition, type Page } from '@feedback/http';
import { EventPublisher, PermanentEventError } from '@feedback/messaging';
import { KeyRing, type Sealed } from '@feedback/pii';
import { OutboxRelay, outboxEntry } from '@feedback/service-kit';
import { DisclosureReadRepository } from './adapters/mongo/disclosure-read.repository';
import { DisclosureRepository, type StoredDisclosure } from './adapters/mongo/disclosure.repository';
import { DISCLOSURES_COLLECTION } from './adapters/mongo/disclosure.schema';
import { DisclosureSettings } from './config';
import {
  auditRecord,
  decideDetailsRead,
  decideDisclosureWrite,
  decideIdentification,
  disclosureSealContext,
  isRetentionDue,
  parseDisclosedDetails,
  retentionCutoff,
  retentionEndsAt,
  sharedFieldsOf,
} from './domain/disclosure.policy';
import type { DetailsRead, DisclosedDetails, Identification } from './domain/disclosure.types';

/** What a business user gets back from a read of shared details. */
export interface SharedDetails {
  requestId: string;
  reviewId: string;
  sharedFields: StoredDisclosure['sharedFields'];
  details: DisclosedDetails;
  providedAt: Date;
  retentionEndsAt: Date;
}

/** The shared details of information requests (I7): stored once, read with an audit trail, purged on time. */
@Injectable()
export class DisclosuresService {
  private readonly log = new Logger('Disclosures');

  constructor(
    private readonly disclosures: DisclosureRepository,
    private readonly reads: DisclosureReadRepository,
    private readonly keyRing: KeyRing,
    private readonly publisher: EventPublisher,
    private readonly relay: OutboxRelay,
    private readonly settings: DisclosureSettings,
  ) {}

  /**
   * Stores an InformationDisclosed write-once, values still sealed as they
   * arrived. The values are opened in memory only to learn which fields were
   * shared and to check they are readable: a record nobody could open would
   * fail the business later, so it is dead-lettered now instead.
   */
  async store(event: InformationDisclosed, source: { eventId: string; correlationId: string }, now = new Date()): Promise<void> {
    const details = this.openDetails(event.sealed, event.requestId, (reason) => new PermanentEventError(reason));
    const incoming = { requestId: event.requestId, businessId: event.businessId, reviewId: event.reviewId, requestedBy: event.requestedBy, providedAt: new Date(event.providedAt) };
    // Two rounds at most: an insert that loses a race is decided again against the winner.
    for (let round = 0; round < 2; round++) {
      const stored = await this.disclosures.findByRequestId(event.requestId);
      const storedDetails = stored?.sealed ? this.openDetails(stored.sealed, stored.requestId, (reason) => new Error(reason)) : undefined;
      const decision = decideDisclosureWrite({ ...incoming, details }, stored && { ...stored, ...(storedDetails ? { details: storedDetails } : {}) });
      if (decision.action === 'ignore') return;
      if (decision.action === 'reject') throw new PermanentEventError(decision.reason);
      // Already past its retention when it arrives (a late replay): keep the facts only.
      const due = isRetentionDue(incoming, now, this.settings.retentionMs);
      const inserted = await this.disclosures.insertOnce({
        ...incoming,
        sharedFields: sharedFieldsOf(details),
        ...(due ? { purgedAt: now } : { sealed: event.sealed }),
        sourceEventId: source.eventId,
        correlationId: source.correlationId,
        receivedAt: now,
      });
      if (inserted) return;
    }
  }

  /** The values, for the business that asked; the read is audit-logged before they leave the service. */
  async readDetails(businessId: string, requestId: string, readBy: string, now = new Date()): Promise<SharedDetails> {
    const stored = await this.disclosures.findByRequestId(requestId);
    const decision = decideDetailsRead(stored, businessId);
    if (decision.outcome === 'not_found' || !stored) throw notFound(requestId);
    if (decision.outcome === 'purged' || !stored.sealed) {
      throw new DomainError(
        410,
        'purged',
        `the details shared for information request ${requestId} were purged on ${(stored.purgedAt ?? now).toISOString()}, at the end of their retention period; which fields were shared (${stored.sharedFields.join(', ') || 'none'}) is still on record`,
      );
    }
    if (!this.keyRing.has(stored.sealed.keyId)) {
      // The key was removed from PII_ENCRYPTION_KEYS while these values still need it: the operator's to fix, not the caller's.
      this.log.error(`cannot decrypt the shared details of information request ${requestId}: key ${stored.sealed.keyId} is not in PII_ENCRYPTION_KEYS; put it back`);
      throw new DomainError(
        503,
        'encryption_key_unavailable',
        `the details shared for information request ${requestId} cannot be decrypted right now: the key they were encrypted with is not configured; an operator must restore it`,
      );
    }
    const details = this.openDetails(stored.sealed, requestId, (reason) => new Error(reason));
    await this.reads.append(requestId, businessId, auditRecord(readBy, now));
    return {
      requestId,
      reviewId: stored.reviewId,
      sharedFields: stored.sharedFields,
      details,
      providedAt: stored.providedAt,
      retentionEndsAt: retentionEndsAt(stored.providedAt, this.settings.retentionMs),
    };
  }

  /** The audit log of one request's reads, newest first. Still there after the purge. */
  async listReads(businessId: string, requestId: string, limit: number, after?: CursorPosition): Promise<Page<DetailsRead>> {
    const stored = await this.disclosures.findByRequestId(requestId);
    if (!stored || stored.businessId !== businessId) throw notFound(requestId);
    return this.reads.newestFirst(requestId, limit, after);
  }

  /**
   * Records whether the business could identify the person. A change is stored
   * with its IdentificationRecorded event in one write (outbox), then relayed.
   */
  async recordIdentification(businessId: string, requestId: string, identified: boolean, recordedBy: string): Promise<{ identification: Identification; changed: boolean }> {
    for (let round = 0; round < 3; round++) {
      const stored = await this.disclosures.findByRequestId(requestId);
      const decision = decideIdentification(stored, businessId, { identified, recordedBy, recordedAt: new Date() });
      if (decision.outcome === 'not_found' || !stored) throw notFound(requestId);
      if (decision.outcome === 'unchanged') return { identification: decision.current, changed: false };
      const { identification } = decision;
      const envelope = this.publisher.build(
        infoRequestsTopic,
        'IdentificationRecorded',
        { requestId, businessId, reviewId: stored.reviewId, identified, recordedBy, recordedAt: identification.recordedAt.toISOString() },
        { occurredAt: identification.recordedAt, correlationId: stored.correlationId },
      );
      if (await this.disclosures.recordIdentification(requestId, businessId, identification, outboxEntry(infoRequestsTopic, envelope))) {
        await this.relay.flush(DISCLOSURES_COLLECTION, requestId);
        return { identification, changed: true };
      }
      // Someone recorded the same answer meanwhile: decide again against it.
    }
    throw new DomainError(409, 'conflict', `the identification of information request ${requestId} is being changed concurrently; try again`);
  }

  /** Purges every disclosure whose retention has ended; returns how many. */
  async purgeDue(now = new Date()): Promise<number> {
    const purged = await this.disclosures.purgeProvidedUpTo(retentionCutoff(now, this.settings.retentionMs), now);
    if (purged > 0) this.log.log(`purged the shared values of ${purged} disclosure(s) at the end of their retention`);
    return purged;
  }

  private openDetails(sealed: Sealed, requestId: string, fail: (reason: string) => Error): DisclosedDetails {
    let json: string;
    try {
      json = this.keyRing.open(sealed, disclosureSealContext(requestId));
    } catch (error) {
      throw fail(`cannot open the shared values of information request ${requestId} (key ${sealed.keyId}): ${(error as Error).message}`);
    }
    const parsed = parseDisclosedDetails(json);
    if (!parsed.ok) throw fail(`shared values of information request ${requestId}: ${parsed.reason}`);
    return parsed.details;
  }
}

function notFound(requestId: string): DomainError {
  return new DomainError(404, 'not_found', `no information request ${requestId} with shared details in this business`);
}
