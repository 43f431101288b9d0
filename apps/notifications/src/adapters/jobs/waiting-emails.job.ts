import { Injectable } from '@nestjs/common';
import { PeriodicSweep } from '@feedback/service-kit';
import { EmailPipeline } from '../../email-pipeline.service';

/** How often due waiting emails are looked for (up to 100 a time): an email whose profile arrived goes out within a tick. */
const TICK_MS = 1000;

/**
 * Tries again the emails that waited for a recipient's or business's profile
 * and are due: released by its arrival, or at the end of their wait (see
 * profileWait). Each email is leased by the instance that takes it, so
 * any number of instances may run this; a failed run is retried by the next tick.
 */
@Injectable()
export class WaitingEmailsJob extends PeriodicSweep {
  constructor(private readonly pipeline: EmailPipeline) {
    super('WaitingEmails', 'retrying waiting emails');
  }

  protected intervalMs(): number {
    return TICK_MS;
  }

  protected async run(): Promise<void> {
    // At most one batch a tick: a flood of emails to unknown people (an upstream outage)
    // costs a bounded background load instead of starving the consumers.
    await this.pipeline.retryWaiting();
  }
}
