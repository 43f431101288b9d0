import { Injectable } from '@nestjs/common';
import { PeriodicSweep } from '@feedback/service-kit';
import { UNRECORDED_FILE_GRACE_MS, unrecordedFileFate } from '../domain/documentation.policy';
import { ReportRepository } from '../reports/adapters/mongo/report.repository';
import { ReportingSettings } from '../reporting-settings';
import { DocumentationFileRepository } from './adapters/mongo/documentation-file.repository';

/** Files looked at per run; more wait for the next one. */
const BATCH = 100;

/**
 * Removes documentation files no report records (R3, R7): a reviewer's file is
 * stored before its report records it, and a crash or a failed write between
 * the two left it in GridFS, sealed but never read and never purged. Every
 * EXPIRY_SWEEP_INTERVAL, files still unmarked after the grace are checked
 * against their report: kept (and marked) when it names them, removed otherwise.
 */
@Injectable()
export class DocumentationFilesSweeper extends PeriodicSweep {
  constructor(
    private readonly files: DocumentationFileRepository,
    private readonly reports: ReportRepository,
    private readonly settings: ReportingSettings,
  ) {
    super('DocumentationFilesSweeper', 'documentation file sweep');
  }

  protected intervalMs(): number {
    return this.settings.sweepIntervalMs;
  }

  protected async run(now: Date): Promise<void> {
    for (const file of await this.files.findUnrecorded(new Date(now.getTime() - UNRECORDED_FILE_GRACE_MS), BATCH)) {
      const report = await this.reports.findById(file.reportId);
      const fate = unrecordedFileFate(file, report?.documentation?.file?.fileId, now);
      if (fate === 'recorded') await this.files.markRecorded(file.fileId);
      else if (fate === 'remove') {
        await this.files.remove(file.fileId);
        this.log.log(`removed documentation file ${file.fileId} of report ${file.reportId}: no report records it`);
      }
    }
  }
}
