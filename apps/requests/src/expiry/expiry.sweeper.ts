import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RequestsSettings } from '../../../requests-settings';
import { InformationRequestsService } from '../../information-requests.service';

/** Runs the expiry use case every EXPIRY_SWEEP_INTERVAL; safe with several instances. */
@Injectable()
export class ExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('ExpirySweeper');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly requests: InformationRequestsService,
    private readonly settings: RequestsSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.settings.expirySweepIntervalMs);
  }

  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.requests.expireDue();
    } catch (error) {
      this.log.warn(`expiry sweep failed, next run retries: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
