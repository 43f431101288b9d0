import { Injectable } from '@nestjs/common';
import { PeriodicSweep } from '@feedback/service-kit';
import { ReportRepository } from '../reports/adapters/mongo/report.repository';
import { ReportingSettings } from '../reporting-settings';
import { FairnessService } from './fairness.service';

/** A report whose own re-evaluation was missed (crash, store outage) is picked up after this long. */
const GRACE_MS = 10_000;

/**
 * Catches up on fairness re-evaluations a new report did not get (R6): every
 * EXPIRY_SWEEP_INTERVAL, businesses with reports still marked pending are
 * evaluated again. Harmless when the evaluation already ran.
 */
@Injectable()
export class FairnessSweeper extends PeriodicSweep {
  constructor(
    private readonly reports: ReportRepository,
    private readonly fairness: FairnessService,
    private readonly settings: ReportingSettings,
  ) {
    super('FairnessSweeper', 'fairness sweep');
  }

  protected intervalMs(): number {
    return this.settings.sweepIntervalMs;
  }

  protected async run(now: Date): Promise<void> {
    for (const { businessId, reportId } of await this.reports.findBusinessesPendingFairness(new Date(now.getTime() - GRACE_MS), 200)) {
      await this.fairness.evaluate(businessId, reportId);
    }
  }
}
