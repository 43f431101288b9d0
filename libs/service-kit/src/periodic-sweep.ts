import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';

/**
 * A job every service runs on a timer (expiry, retention, catch-up sweeps):
 * one run at a time per instance (a tick during a run starts none), a failed
 * run only logged since the next one retries, and at shutdown no new run while
 * the one under way finishes with the store still open. The work itself must
 * be safe with several instances sweeping at once (conditional writes, leases).
 */
export abstract class PeriodicSweep implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly log: Logger;
  private timer?: NodeJS.Timeout;
  /** The run under way, if any. */
  private current?: Promise<void>;

  /** `name` names the job in the logs; `what` is the subject of its failure message ("expiry sweep"). */
  protected constructor(
    name: string,
    private readonly what: string,
  ) {
    this.log = new Logger(name);
  }

  /** How often the job runs. */
  protected abstract intervalMs(): number;

  /** One run of the job. */
  protected abstract run(now: Date): Promise<void>;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.intervalMs());
  }

  /** Runs the job now, or joins the run under way; resolves when it is over (failures are logged, not thrown). */
  sweep(now = new Date()): Promise<void> {
    this.current ??= this.run(now)
      .catch((error: unknown) => this.log.warn(`${this.what} failed, the next run retries: ${(error as Error).message}`))
      .finally(() => (this.current = undefined));
    return this.current;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.current;
  }
}
