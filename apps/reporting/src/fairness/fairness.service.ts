import { Injectable, Logger } from '@nestjs/common';
import { reportsTopic } from '@feedback/contracts';
import { EventPublisher } from '@feedback/messaging';
import { OutboxRelay, outboxEntry } from '@feedback/service-kit';
import { decideFlag, evaluateFairness, selectiveReportingMeter, type ReportingFigures, type SelectiveReportingMeter } from '../domain/fairness.policy';
import type { EvaluatedFigures, MisuseFlag } from '../domain/misuse-flag.types';
import { DirectoryRepository } from '../directory/adapters/mongo/directory.repository';
import { ReportRepository } from '../reports/adapters/mongo/report.repository';
import { flagId, MisuseFlagRepository } from './adapters/mongo/misuse-flag.repository';
import { MISUSE_FLAGS } from './adapters/mongo/misuse-flag.schema';

/** The fairness monitor (R6) and the business's selective-reporting meter (R7). */
@Injectable()
export class FairnessService {
  private readonly log = new Logger('FairnessMonitor');

  constructor(
    private readonly directory: DirectoryRepository,
    private readonly reports: ReportRepository,
    private readonly flags: MisuseFlagRepository,
    private readonly publisher: EventPublisher,
    private readonly relay: OutboxRelay,
  ) {}

  async figures(businessId: string): Promise<ReportingFigures> {
    const [reports, reviews] = await Promise.all([this.reports.countReports(businessId), this.directory.countReviews(businessId)]);
    return { ...reports, ...reviews };
  }

  async meter(businessId: string): Promise<SelectiveReportingMeter> {
    const [figures, flagged] = await Promise.all([this.figures(businessId), this.flags.hasActiveFlag(businessId)]);
    return selectiveReportingMeter(figures, flagged);
  }

  /**
   * Re-evaluates a business after `reportId` (a new report): raises a flag,
   * with ReportingMisuseFlagged, when the test turns significant; clears the
   * active one when it no longer is. Safe to run twice or concurrently: a
   * flag is one document with a deterministic id, inserted once.
   */
  async evaluate(businessId: string, reportId: string): Promise<void> {
    const evaluatedAt = new Date();
    const figures = await this.figures(businessId);
    const evaluation = evaluateFairness(figures);
    const latest = await this.flags.findLatest(businessId);
    const active = latest?.status === 'active' ? latest : undefined;
    const evaluated: EvaluatedFigures | undefined = evaluation.pValue === null ? undefined : { ...figures, pValue: evaluation.pValue, evaluatedAt };

    switch (decideFlag(evaluation, !!active)) {
      case 'raise':
        await this.raise(businessId, reportId, (latest?.sequence ?? 0) + 1, evaluated!);
        break;
      case 'clear':
        await this.flags.clear(active!.id, evaluated!);
        this.log.log(`cleared selective-reporting flag ${active!.id} (p = ${evaluated!.pValue.toExponential(3)})`);
        break;
      case 'keep':
        if (active && evaluated) await this.flags.recordEvaluation(active.id, evaluated);
        break;
    }
    await this.reports.markFairnessEvaluated(businessId, evaluatedAt);
  }

  private async raise(businessId: string, reportId: string, sequence: number, figures: EvaluatedFigures): Promise<void> {
    const flag: MisuseFlag = { id: flagId(businessId, sequence), businessId, sequence, status: 'active', raisedAt: figures.evaluatedAt, reportId, raisedWith: figures, latest: figures };
    const event = this.publisher.build(
      reportsTopic,
      'ReportingMisuseFlagged',
      {
        reportId,
        businessId,
        reports: figures.reports,
        negativeReports: figures.negativeReports,
        reviews: figures.reviews,
        negativeReviews: figures.negativeReviews,
        pValue: figures.pValue,
        flaggedAt: figures.evaluatedAt.toISOString(),
      },
      { occurredAt: figures.evaluatedAt },
    );
    if (await this.flags.raise(flag, [outboxEntry(reportsTopic, event)])) {
      this.log.warn(`flagged business ${businessId} for selective reporting: ${figures.negativeReports}/${figures.reports} reports negative against ${figures.negativeReviews}/${figures.reviews} reviews, p = ${figures.pValue.toExponential(3)}`);
      void this.relay.flush(MISUSE_FLAGS, flag.id);
    }
  }
}
