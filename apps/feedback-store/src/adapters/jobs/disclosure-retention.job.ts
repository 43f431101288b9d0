import { Injectable } from '@nestjs/common';
import { PeriodicSweep } from '@feedback/service-kit';
import { DisclosureSettings } from '../../config';
import { DisclosuresService } from '../../disclosures.service';

/**
 * Runs the retention purge every EXPIRY_SWEEP_INTERVAL (I7), and once at start.
 * Each run is one conditional update, so any number of instances may sweep at
 * once; a failed run (store down) is simply retried by the next one.
 */
@Injectable()
export class DisclosureRetentionJob extends PeriodicSweep {
  constructor(
    private readonly disclosures: DisclosuresService,
    private readonly settings: DisclosureSettings,
  ) {
    super('DisclosureRetention', 'retention sweep');
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    void this.sweep();
  }

  protected intervalMs(): number {
    return this.settings.sweepIntervalMs;
  }

  protected async run(): Promise<void> {
    await this.disclosures.purgeDue();
  }
}
