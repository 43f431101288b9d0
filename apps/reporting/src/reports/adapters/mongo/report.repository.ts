import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { CursorPosition } from '@feedback/http';
import { isDuplicateKeyError } from '@feedback/persistence';
import type { Sealed } from '@feedback/pii';
import { appendToOutbox, type OutboxEntry } from '@feedback/service-kit';
import { NEGATIVE_RATING_MAX } from '../../../domain/fairness.policy';
import type { DocumentationFile, Report, ReportDecision, ReportStatus } from '../../../domain/report.types';
import { REPORTS } from './report.schema';

interface ReportDoc extends Omit<Report, 'id' | 'documentation'> {
  _id: string;
  documentation?: Report['documentation'] & { description?: Sealed };
  fairnessPending: boolean;
  correlationId: string;
  outbox: OutboxEntry[];
  outboxPending: boolean;
}

/** A report with what only the integrity team may see (R7) and the bookkeeping of its events. */
export interface StoredReport extends Report {
  correlationId: string;
  /** The reviewer's description, sealed; opened only for the integrity team. */
  sealedDescription?: Sealed;
}

/** The outbox is internal: never loaded with a report. */
const WITHOUT_OUTBOX = { outbox: 0 };

function toStored(doc: ReportDoc): StoredReport {
  const report: StoredReport = {
    id: doc._id,
    businessId: doc.businessId,
    reviewId: doc.reviewId,
    reason: doc.reason,
    reportedBy: doc.reportedBy,
    reportedAt: doc.reportedAt,
    status: doc.status,
    review: { reviewerId: doc.review.reviewerId, rating: doc.review.rating, source: doc.review.source, language: doc.review.language, publishedAt: doc.review.publishedAt },
    correlationId: doc.correlationId,
  };
  if (doc.details) report.details = doc.details;
  if (doc.decidedBy) report.decidedBy = doc.decidedBy;
  if (doc.decidedAt) report.decidedAt = doc.decidedAt;
  if (doc.documentation) {
    const { requestedAt, expiresAt, submittedAt, file, description } = doc.documentation;
    report.documentation = { requestedAt, expiresAt };
    if (submittedAt) report.documentation.submittedAt = submittedAt;
    if (file?.fileId) report.documentation.file = { fileId: file.fileId, contentType: file.contentType, size: file.size };
    if (description?.ciphertext) report.sealedDescription = description;
  }
  return report;
}

export interface ReportFilter {
  businessId?: string;
  status?: ReportStatus;
}

@Injectable()
export class ReportRepository {
  constructor(@InjectModel(REPORTS) private readonly reports: Model<ReportDoc>) {}

  /** Inserts a new report with its events; false if this business already reported this review (R4). */
  async create(report: Report, correlationId: string, events: OutboxEntry[]): Promise<boolean> {
    const { id, ...fields } = report;
    try {
      await this.reports.collection.insertOne({ _id: id, ...fields, fairnessPending: true, correlationId, outbox: events, outboxPending: true } as never);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async findById(id: string): Promise<StoredReport | undefined> {
    const doc = await this.reports.findById(id, WITHOUT_OUTBOX).lean<ReportDoc>();
    return doc ? toStored(doc) : undefined;
  }

  async findByBusinessAndReview(businessId: string, reviewId: string): Promise<StoredReport | undefined> {
    const doc = await this.reports.findOne({ businessId, reviewId }, WITHOUT_OUTBOX).lean<ReportDoc>();
    return doc ? toStored(doc) : undefined;
  }

  /** Reports matching `filter`, newest first, after `cursor`. */
  async list(filter: ReportFilter, limit: number, cursor?: CursorPosition): Promise<StoredReport[]> {
    const query: Record<string, unknown> = {};
    if (filter.businessId) query.businessId = filter.businessId;
    if (filter.status) query.status = filter.status;
    if (cursor) query.$or = [{ reportedAt: { $lt: cursor.at } }, { reportedAt: cursor.at, _id: { $lt: cursor.id } }];
    const docs = await this.reports.find(query as never, WITHOUT_OUTBOX).sort({ reportedAt: -1, _id: -1 }).limit(limit).lean<ReportDoc[]>();
    return docs.map(toStored);
  }

  /** A business's reports and those of its negative reviews (R6). */
  async countReports(businessId: string): Promise<{ reports: number; negativeReports: number }> {
    const [reports, negativeReports] = await Promise.all([
      this.reports.countDocuments({ businessId }),
      this.reports.countDocuments({ businessId, 'review.rating': { $lte: NEGATIVE_RATING_MAX } }),
    ]);
    return { reports, negativeReports };
  }

  /**
   * Records the integrity team's decision with its ReportResolved event, in
   * one conditional update: of two racing decisions exactly one wins (R5).
   */
  async resolve(id: string, decision: { status: ReportDecision; decidedBy: string; decidedAt: Date }, events: OutboxEntry[]): Promise<boolean> {
    const outbox = appendToOutbox(events);
    const result = await this.reports.updateOne({ _id: id, status: 'open' }, { $set: { ...decision, ...outbox.$set }, $push: outbox.$push } as never);
    return result.modifiedCount === 1;
  }

  /**
   * Stores the reviewer's documentation with its DocumentationSubmitted event;
   * only once, before the deadline, while the report is open (R3).
   */
  async submitDocumentation(id: string, documentation: { submittedAt: Date; description: Sealed; file?: DocumentationFile }, events: OutboxEntry[]): Promise<boolean> {
    const outbox = appendToOutbox(events);
    const set: Record<string, unknown> = { 'documentation.submittedAt': documentation.submittedAt, 'documentation.description': documentation.description, ...outbox.$set };
    if (documentation.file) set['documentation.file'] = documentation.file;
    const result = await this.reports.updateOne(
      { _id: id, status: 'open', 'documentation.submittedAt': { $exists: false }, 'documentation.expiresAt': { $gt: documentation.submittedAt } } as never,
      { $set: set, $push: outbox.$push } as never,
    );
    return result.modifiedCount === 1;
  }

  /** Businesses with reports the fairness monitor has not re-evaluated yet (after a crash), oldest first. */
  async findBusinessesPendingFairness(reportedBefore: Date, limit: number): Promise<{ businessId: string; reportId: string }[]> {
    const docs = await this.reports
      .find({ fairnessPending: true, reportedAt: { $lt: reportedBefore } }, { businessId: 1 })
      .sort({ reportedAt: 1 })
      .limit(limit)
      .lean<{ _id: string; businessId: string }[]>();
    const seen = new Map<string, string>();
    for (const doc of docs) if (!seen.has(doc.businessId)) seen.set(doc.businessId, doc._id);
    return [...seen].map(([businessId, reportId]) => ({ businessId, reportId }));
  }

  /** The reports of a business that an evaluation started at `evaluatedAt` has taken into account. */
  async markFairnessEvaluated(businessId: string, evaluatedAt: Date): Promise<void> {
    await this.reports.updateMany({ businessId, fairnessPending: true, reportedAt: { $lte: evaluatedAt } }, { $set: { fairnessPending: false } });
  }
}
