import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { reportsTopic } from '@feedback/contracts';
import { DomainError } from '@feedback/http';
import { EventPublisher } from '@feedback/messaging';
import { OutboxRelay, outboxEntry, type OutboxEntry } from '@feedback/service-kit';
import type { Refusal } from '../domain/decision.types';
import { decideDecision, decideReport } from '../domain/report.policy';
import type { Report, ReportDecision, ReportReason } from '../domain/report.types';
import { DirectoryRepository } from '../directory/adapters/mongo/directory.repository';
import { FairnessService } from '../fairness/fairness.service';
import { ReportingSettings } from '../reporting-settings';
import { ReportRepository, type StoredReport } from './adapters/mongo/report.repository';
import { REPORTS } from './adapters/mongo/report.schema';

const fail = (refusal: Refusal) => new DomainError(refusal.status, refusal.code, refusal.message);

/** The report use cases: report a review (R1–R4) and decide on it (R5). */
@Injectable()
export class ReportsService {
  private readonly log = new Logger('Reports');

  constructor(
    private readonly reports: ReportRepository,
    private readonly directory: DirectoryRepository,
    private readonly fairness: FairnessService,
    private readonly publisher: EventPublisher,
    private readonly relay: OutboxRelay,
    private readonly settings: ReportingSettings,
  ) {}

  async report(businessId: string, reviewId: string, input: { reason: ReportReason; details?: string }, reportedBy: string): Promise<Report> {
    const now = new Date();
    const [review, informationRequests, existing] = await Promise.all([
      this.directory.findReview(reviewId),
      this.directory.findInformationRequests(reviewId),
      this.reports.findByBusinessAndReview(businessId, reviewId),
    ]);
    const decision = decideReport({ businessId, reason: input.reason, review, informationRequests, existing, now, documentationWindowMs: this.settings.documentationWindowMs });
    if (!decision.ok) throw fail(decision.refusal);

    const details = input.details?.trim();
    const report: Report = {
      id: randomUUID(),
      businessId,
      reviewId,
      reason: input.reason,
      ...(details ? { details } : {}),
      reportedBy,
      reportedAt: now,
      status: 'open',
      review: { reviewerId: review!.reviewerId, rating: review!.rating, source: review!.source, language: review!.language, publishedAt: review!.publishedAt },
    };
    const { documentationExpiresAt } = decision.value;
    if (documentationExpiresAt) report.documentation = { requestedAt: now, expiresAt: documentationExpiresAt };

    const correlationId = randomUUID();
    const ref = { reportId: report.id, businessId, reviewId };
    const events: OutboxEntry[] = [
      outboxEntry(
        reportsTopic,
        this.publisher.build(reportsTopic, 'ReviewReported', { ...ref, reason: report.reason, reportedBy, reportedAt: now.toISOString() }, { correlationId, occurredAt: now }),
      ),
    ];
    if (documentationExpiresAt) {
      // R3: notifications asks the reviewer, in their language, with a link that ends with this deadline.
      const requested = this.publisher.build(
        reportsTopic,
        'DocumentationRequested',
        { ...ref, reviewerId: report.review.reviewerId, requestedAt: now.toISOString(), expiresAt: documentationExpiresAt.toISOString() },
        { correlationId, occurredAt: now },
      );
      events.push(outboxEntry(reportsTopic, requested));
    }
    if (!(await this.reports.create(report, correlationId, events))) {
      throw new DomainError(409, 'already_reported', 'this business has already reported this review');
    }
    void this.relay.flush(REPORTS, report.id);
    // R6: re-evaluated on every new report. A failure here is caught up by the fairness sweep.
    await this.fairness.evaluate(businessId, report.id).catch((error: Error) => this.log.warn(`fairness evaluation after report ${report.id} failed, the sweep retries: ${error.message}`));
    return report;
  }

  async find(id: string): Promise<StoredReport | undefined> {
    return this.reports.findById(id);
  }

  /** R5: the integrity team decides once; the business is told through ReportResolved. */
  async decide(id: string, decision: ReportDecision, decidedBy: string): Promise<StoredReport> {
    const report = await this.reports.findById(id);
    if (!report) throw new DomainError(404, 'not_found', 'no report with this id');
    const allowed = decideDecision(report);
    if (!allowed.ok) throw fail(allowed.refusal);
    const now = new Date();
    const resolved = this.publisher.build(
      reportsTopic,
      'ReportResolved',
      {
        reportId: id,
        businessId: report.businessId,
        reviewId: report.reviewId,
        reason: report.reason,
        decision,
        reportedBy: report.reportedBy,
        decidedBy,
        decidedAt: now.toISOString(),
      },
      { correlationId: report.correlationId, occurredAt: now },
    );
    if (!(await this.reports.resolve(id, { status: decision, decidedBy, decidedAt: now }, [outboxEntry(reportsTopic, resolved)]))) {
      const current = await this.reports.findById(id);
      throw new DomainError(409, 'already_decided', `this report was already decided: ${current?.status ?? 'unknown'}`);
    }
    void this.relay.flush(REPORTS, id);
    return { ...report, status: decision, decidedBy, decidedAt: now };
  }
}
