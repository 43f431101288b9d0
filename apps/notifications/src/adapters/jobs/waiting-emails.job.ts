import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EmailPipeline } from '../../email-pipeline.service';

/** How often due waiting emails are looked for (up to 100 a time): the first retry of a waiting email is 1 s after it parked. */
const TICK_MS = 1000;

/**
 * Tries again the emails that wait for a recipient's or business's profile
 * (see profileWait). Each email is leased by the instance that takes it, so
 * any number of instances may run this; a failed run is retried by the next tick.
 */
@Injectable()
export class WaitingEmailsJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('WaitingEmails');
  private timer?: NodeJS.Timeout;
  /** The run under way, if any: a tick meanwhile starts none. */
  private current?: Promise<void>;

  constructor(private readonly pipeline: EmailPipeline) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
  }

  tick(): Promise<void> {
    this.current ??= this.run().finally(() => (this.current = undefined));
    return this.current;
  }

  private async run(): Promise<void> {
    try {
      // At most one batch a tick: a flood of emails to unknown people (an upstream outage)
      // costs a bounded background load instead of starving the consumers.
      await this.pipeline.retryWaiting();
    } catch (error) {
      this.log.warn(`retrying waiting emails failed, the next run retries: ${(error as Error).message}`);
    }
  }

  /** No new run; the one under way finishes its emails while the store is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.current;
  }
}
