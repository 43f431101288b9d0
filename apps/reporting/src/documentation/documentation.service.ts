import { Injectable, Logger } from '@nestjs/common';
import { reportsTopic } from '@feedback/contracts';
import { DomainError } from '@feedback/http';
import { EventPublisher } from '@feedback/messaging';
import { KeyRing } from '@feedback/pii';
import { OutboxRelay, outboxEntry } from '@feedback/service-kit';
import { checkFile, decideSubmission, documentationContext, validateDescription, type DocumentationFieldErrors } from '../domain/documentation.policy';
import type { DocumentationFile } from '../domain/report.types';
import { ReportingSettings } from '../reporting-settings';
import { ReportRepository, type StoredReport } from '../reports/adapters/mongo/report.repository';
import { REPORTS } from '../reports/adapters/mongo/report.schema';
import { DocumentationFileRepository } from './adapters/mongo/documentation-file.repository';

/** The reviewer's documentation has field problems; the form shows them beside the fields. */
export class DocumentationRejected extends DomainError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly fieldErrors: DocumentationFieldErrors,
    readonly description?: string,
  ) {
    super(status, code, message, { fields: Object.entries(fieldErrors).map(([field, problem]) => ({ field, problems: [problem] })) });
  }
}

export interface DocumentationInput {
  description: unknown;
  file?: Buffer;
}

/** The reviewer's documentation (R3): accepted once, before the deadline, the text and file sealed at rest. */
@Injectable()
export class DocumentationService {
  private readonly log = new Logger('Documentation');

  constructor(
    private readonly reports: ReportRepository,
    private readonly files: DocumentationFileRepository,
    private readonly publisher: EventPublisher,
    private readonly relay: OutboxRelay,
    private readonly keyRing: KeyRing,
    private readonly settings: ReportingSettings,
  ) {}

  /** The report a documentation link leads to, if documentation can still be sent; throws the refusal otherwise. */
  async submittable(reportId: string, now = new Date()): Promise<StoredReport> {
    const report = await this.reports.findById(reportId);
    const decision = decideSubmission(report, now);
    if (!decision.ok) throw new DomainError(decision.refusal.status, decision.refusal.code, decision.refusal.message);
    return report!;
  }

  async submit(reportId: string, input: DocumentationInput): Promise<{ report: StoredReport; submittedAt: Date; hasFile: boolean }> {
    const report = await this.submittable(reportId);
    const description = validateDescription(input.description);
    const file = input.file ? checkFile(input.file, this.settings.documentationMaxFileBytes) : undefined;
    const errors: DocumentationFieldErrors = {};
    if (!description.ok) errors.description = description.error;
    if (file && !file.ok) errors.file = file.refusal.status === 413 ? 'too_large' : 'unsupported_type';
    const typed = typeof input.description === 'string' ? input.description : undefined;
    // A description problem is a plain validation failure; a file problem alone keeps its own status (413, 415).
    if (!description.ok) throw new DocumentationRejected(400, 'validation_failed', `description: ${description.error.replace('_', ' ')}`, errors, typed);
    if (file && !file.ok) throw new DocumentationRejected(file.refusal.status, file.refusal.code, file.refusal.message, errors, typed);

    const now = new Date();
    let stored: DocumentationFile | undefined;
    if (input.file && file?.ok) stored = await this.files.store(reportId, input.file, file.value);
    const submitted = this.publisher.build(
      reportsTopic,
      'DocumentationSubmitted',
      { reportId, businessId: report.businessId, reviewId: report.reviewId, hasFile: !!stored, submittedAt: now.toISOString() },
      { correlationId: report.correlationId, occurredAt: now },
    );
    const sealed = this.keyRing.seal(description.value, documentationContext(reportId));
    let recorded: boolean;
    try {
      recorded = await this.reports.submitDocumentation(reportId, { submittedAt: now, description: sealed, ...(stored ? { file: stored } : {}) }, [outboxEntry(reportsTopic, submitted)]);
    } catch (error) {
      // Not recorded (the store failed): the reviewer will send it again, with the file again.
      if (stored) await this.dropFile(stored.fileId);
      throw error;
    }
    if (!recorded) {
      // Lost a race (a second submission, the deadline, or a decision): drop the file, say why.
      if (stored) await this.dropFile(stored.fileId);
      await this.submittable(reportId);
      throw new DomainError(409, 'already_submitted', 'documentation for this report has already been sent');
    }
    // Left unmarked (a crash, the store gone), the orphan sweep finds the report naming it and marks it.
    if (stored) await this.files.markRecorded(stored.fileId).catch((error: Error) => this.log.warn(`could not mark file ${stored.fileId} recorded, the sweep will: ${error.message}`));
    void this.relay.flush(REPORTS, reportId);
    return { report, submittedAt: now, hasFile: !!stored };
  }

  /** Best effort: a file left behind is removed by the orphan sweep (DocumentationFilesSweeper). */
  private async dropFile(fileId: string): Promise<void> {
    await this.files.remove(fileId).catch((error: Error) => this.log.warn(`could not remove orphan file ${fileId}, the sweep will: ${error.message}`));
  }

  /** The reviewer's file, for the integrity team only (R7). */
  async file(report: StoredReport): Promise<{ bytes: Buffer; contentType: string } | undefined> {
    const file = report.documentation?.file;
    if (!file) return undefined;
    const bytes = await this.files.read(report.id, file.fileId);
    return bytes && { bytes, contentType: file.contentType };
  }
}
