import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DisclosureSettings } from '../../config';
import { DisclosuresService } from '../../disclosures.service';

/**
 * Runs the retention purge every EXPIRY_SWEEP_INTERVAL (I7). Each run is one
 * conditional update, so any number of instances may sweep at once; a failed
 * run (store down) is simply retried by the next one.
 */
@Injectable()
export class DisclosureRetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('DisclosureRetention');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly disclosures: DisclosuresService,
    private readonly settings: DisclosureSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.settings.sweepIntervalMs);
    void this.sweep();
  }

  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.disclosures.purgeDue();
    } catch (error) {
      this.log.warn(`retention sweep failed, the next run retries: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
