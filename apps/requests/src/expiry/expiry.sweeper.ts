import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { FeedbackRequestsService } from '../feedback-requests/feedback-requests.service';
import { InformationRequestsService } from '../information-requests/information-requests.service';
import { RequestsSettings } from '../requests-settings';

/**
 * Expires unanswered requests every EXPIRY_SWEEP_INTERVAL (F5, I5). Safe with
 * several instances: each request is expired by one conditional update.
 */
@Injectable()
export class ExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('ExpirySweeper');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly informationRequests: InformationRequestsService,
    private readonly feedbackRequests: FeedbackRequestsService,
    private readonly settings: RequestsSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.settings.expirySweepIntervalMs);
  }

  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.informationRequests.expireDue();
      await this.feedbackRequests.expireDue();
    } catch (error) {
      this.log.warn(`expiry sweep failed, the next run retries: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
