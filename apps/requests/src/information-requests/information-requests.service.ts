import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { infoDisclosuresTopic, infoRequestsTopic, type SharedField } from '@feedback/contracts';
import { DomainError } from '@feedback/http';
import { EventPublisher } from '@feedback/messaging';
import { KeyRing } from '@feedback/pii';
import { OutboxRelay, outboxEntry } from '@feedback/service-kit';
import type { Refusal } from '../domain/information-request.policy';
import { decideInformationRequest, decideResponse, validateDisclosure, type FieldErrors } from '../domain/information-request.policy';
import type { Disclosure, InformationRequest } from '../domain/information-request.types';
import { DirectoryRepository } from '../directory/adapters/mongo/directory.repository';
import { RequestsSettings } from '../requests-settings';
import { InformationRequestRepository } from './adapters/mongo/information-request.repository';
import { INFORMATION_REQUESTS } from './adapters/mongo/information-request.schema';

const fail = (refusal: Refusal) => new DomainError(refusal.status, refusal.code, refusal.message);

/** Thrown when a reviewer's answer has field problems; the form shows them beside the fields. */
export class DisclosureInvalid extends DomainError {
  constructor(
    message: string,
    readonly fieldErrors: FieldErrors,
  ) {
    super(400, 'validation_failed', message, { fields: Object.entries(fieldErrors).map(([field, problem]) => ({ field, problems: [problem] })) });
  }
}

/** The information-request use cases: ask (I1, I2), answer or decline (I3, I5), expire (I5). */
/** A request as stored: with the correlation id its later events carry. */
export type StoredInformationRequest = InformationRequest & { correlationId: string };

@Injectable()
export class InformationRequestsService {
  private readonly log = new Logger('InformationRequests');

  constructor(
    private readonly requests: InformationRequestRepository,
    private readonly directory: DirectoryRepository,
    private readonly publisher: EventPublisher,
    private readonly relay: OutboxRelay,
    private readonly keyRing: KeyRing,
    private readonly settings: RequestsSettings,
  ) {}

  async request(businessId: string, reviewId: string, requestedBy: string): Promise<InformationRequest> {
    const now = new Date();
    const [review, existing] = await Promise.all([this.directory.findReview(reviewId), this.requests.findByReview(reviewId)]);
    const decision = decideInformationRequest({ businessId, review, existing, now, windowMs: this.settings.informationRequestWindowMs });
    if (!decision.ok) throw fail(decision.refusal);

    const request: InformationRequest = {
      id: randomUUID(),
      businessId,
      reviewId,
      reviewerId: review!.reviewerId,
      requestedBy,
      status: 'pending',
      requestedAt: now,
      expiresAt: decision.value.expiresAt,
    };
    const correlationId = randomUUID();
    const requested = this.publisher.build(
      infoRequestsTopic,
      'InformationRequested',
      {
        requestId: request.id,
        businessId,
        reviewId,
        reviewerId: request.reviewerId,
        requestedBy,
        requestedAt: now.toISOString(),
        expiresAt: request.expiresAt.toISOString(),
      },
      { correlationId, occurredAt: now },
    );
    if (!(await this.requests.create(request, correlationId, [outboxEntry(infoRequestsTopic, requested)]))) {
      throw new DomainError(409, 'already_requested', 'information was already requested for this review');
    }
    void this.relay.flush(INFORMATION_REQUESTS, request.id);
    return request;
  }

  async find(id: string): Promise<StoredInformationRequest | undefined> {
    return this.requests.findById(id);
  }

  /** Checks that a pending request can still be answered; throws the refusal otherwise. */
  async answerable(target: string | StoredInformationRequest): Promise<StoredInformationRequest> {
    // Given the request the caller has just read (the respondent form), it is not read again.
    const request = typeof target === 'string' ? await this.requests.findById(target) : target;
    if (!request) throw new DomainError(404, 'not_found', 'this link does not lead to a request');
    const decision = decideResponse(request, new Date());
    if (!decision.ok) throw fail(decision.refusal);
    return request;
  }

  /** The reviewer shares details (I3): names go to info.requests.v1, sealed values only to info.disclosures.v1. */
  async answer(target: string | StoredInformationRequest, input: Disclosure): Promise<InformationRequest> {
    const request = await this.answerable(target);
    const id = request.id;
    const validation = validateDisclosure(input);
    if (!validation.ok) throw new DisclosureInvalid(validation.refusal.message, validation.errors ?? {});
    const values = validation.value;
    const sharedFields = Object.keys(values) as SharedField[];
    const now = new Date();
    const { correlationId } = request;
    const base = { requestId: id, businessId: request.businessId, reviewId: request.reviewId, requestedBy: request.requestedBy };
    const provided = this.publisher.build(
      infoRequestsTopic,
      'InformationProvided',
      { ...base, sharedFields, requestedAt: request.requestedAt.toISOString(), providedAt: now.toISOString() },
      { correlationId, occurredAt: now },
    );
    const disclosed = this.publisher.build(
      infoDisclosuresTopic,
      'InformationDisclosed',
      { ...base, sealed: this.keyRing.sealJson(values, `disclosure:${id}`), providedAt: now.toISOString() },
      { correlationId, occurredAt: now },
    );
    const events = [outboxEntry(infoDisclosuresTopic, disclosed), outboxEntry(infoRequestsTopic, provided)];
    await this.applyTransition(id, { to: 'answered', at: now, sharedFields }, events);
    return { ...request, status: 'answered', sharedFields, answeredAt: now };
  }

  async decline(target: string | StoredInformationRequest): Promise<InformationRequest> {
    const request = await this.answerable(target);
    const id = request.id;
    const now = new Date();
    const { correlationId } = request;
    const declined = this.publisher.build(
      infoRequestsTopic,
      'InformationDeclined',
      {
        requestId: id,
        businessId: request.businessId,
        reviewId: request.reviewId,
        requestedBy: request.requestedBy,
        requestedAt: request.requestedAt.toISOString(),
        declinedAt: now.toISOString(),
      },
      { correlationId, occurredAt: now },
    );
    await this.applyTransition(id, { to: 'declined', at: now }, [outboxEntry(infoRequestsTopic, declined)]);
    return { ...request, status: 'declined', declinedAt: now };
  }

  /**
   * Expires every pending request past its deadline. The conditional update
   * lets exactly one instance win each request, so two sweepers never emit
   * InformationRequestExpired twice.
   */
  async expireDue(now = new Date()): Promise<number> {
    let expired = 0;
    for (const request of await this.requests.findDueForExpiry(now, 500)) {
      const event = this.publisher.build(
        infoRequestsTopic,
        'InformationRequestExpired',
        {
          requestId: request.id,
          businessId: request.businessId,
          reviewId: request.reviewId,
          requestedBy: request.requestedBy,
          requestedAt: request.requestedAt.toISOString(),
          expiredAt: request.expiresAt.toISOString(),
        },
        // A stable id: should two sweeps ever both publish, consumers see one event.
        { correlationId: request.correlationId, occurredAt: request.expiresAt },
      );
      if (await this.requests.transition(request.id, { to: 'expired', at: now }, [outboxEntry(infoRequestsTopic, event)])) {
        expired += 1;
        void this.relay.flush(INFORMATION_REQUESTS, request.id);
      }
    }
    if (expired > 0) this.log.log(`expired ${expired} information request(s)`);
    return expired;
  }

  private async applyTransition(id: string, transition: Parameters<InformationRequestRepository['transition']>[1], events: ReturnType<typeof outboxEntry>[]): Promise<void> {
    if (!(await this.requests.transition(id, transition, events))) {
      // Lost a race (a second answer, or the deadline passed meanwhile): say which.
      const current = await this.requests.findById(id);
      const decision = current ? decideResponse(current, new Date()) : undefined;
      if (decision && !decision.ok) throw fail(decision.refusal);
      throw new DomainError(409, 'already_answered', 'this request has already been answered');
    }
    void this.relay.flush(INFORMATION_REQUESTS, id);
  }
}
