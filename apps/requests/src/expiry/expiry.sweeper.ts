import { Injectable } from '@nestjs/common';
import { PeriodicSweep } from '@feedback/service-kit';
import { FeedbackRequestsService } from '../feedback-requests/feedback-requests.service';
import { InformationRequestsService } from '../information-requests/information-requests.service';
import { RequestsSettings } from '../requests-settings';

/**
 * Expires unanswered requests every EXPIRY_SWEEP_INTERVAL (F5, I5). Safe with
 * several instances: each request is expired by one conditional update.
 */
@Injectable()
export class ExpirySweeper extends PeriodicSweep {
  constructor(
    private readonly informationRequests: InformationRequestsService,
    private readonly feedbackRequests: FeedbackRequestsService,
    private readonly settings: RequestsSettings,
  ) {
    super('ExpirySweeper', 'expiry sweep');
  }

  protected intervalMs(): number {
    return this.settings.expirySweepIntervalMs;
  }

  protected async run(): Promise<void> {
    await this.informationRequests.expireDue();
    await this.feedbackRequests.expireDue();
  }
}
