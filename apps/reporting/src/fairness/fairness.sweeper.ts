import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
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
export class FairnessSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('FairnessSweeper');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly reports: ReportRepository,
    private readonly fairness: FairnessService,
    private readonly settings: ReportingSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.settings.sweepIntervalMs);
  }

  async sweep(now = new Date()): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const { businessId, reportId } of await this.reports.findBusinessesPendingFairness(new Date(now.getTime() - GRACE_MS), 200)) {
        await this.fairness.evaluate(businessId, reportId);
      }
    } catch (error) {
      this.log.warn(`fairness sweep failed, the next run retries: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
