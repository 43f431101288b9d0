import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { metricsRegistry } from '@feedback/observability';
import { DeliveryRepository } from '../mongo/delivery.repository';

export const WAITING_EMAILS = 'notifications_waiting_emails';
export const WAITING_EMAILS_DUE = 'notifications_waiting_emails_due';

/** A scrape does not wait longer than this for the store. */
const COUNT_TIMEOUT_MS = 2000;
/** The two gauges of one scrape share a count. */
const COUNT_REUSE_MS = 1000;

interface WaitingCounts {
  waiting: number;
  due: number;
}

/**
 * The emails waiting for a profile, on /metrics, counted in the delivery log
 * at each scrape (every instance reports the same shared figures). After an
 * upstream outage the first tells operators how many emails are held, the
 * second whether the retries keep up with the profiles arriving. When the
 * store cannot answer, both read NaN and the rest of the scrape is served.
 */
@Injectable()
export class WaitingEmailsMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('WaitingEmailsMetrics');
  private last?: { at: number; counts: Promise<WaitingCounts | undefined> };

  constructor(private readonly deliveries: DeliveryRepository) {}

  onModuleInit(): void {
    const counts = () => this.counts();
    const gauge = (name: string, help: string, pick: (c: WaitingCounts) => number) =>
      new Gauge({
        name,
        help,
        registers: [metricsRegistry],
        async collect() {
          const c = await counts();
          this.set(c ? pick(c) : Number.NaN);
        },
      });
    gauge(WAITING_EMAILS, 'Emails waiting for a recipient or business profile not known yet (up to EMAIL_PROFILE_WAIT)', (c) => c.waiting);
    gauge(WAITING_EMAILS_DUE, 'Waiting emails due now (their profile arrived or their wait ran out) and not taken by an instance yet', (c) => c.due);
  }

  onModuleDestroy(): void {
    metricsRegistry.removeSingleMetric(WAITING_EMAILS);
    metricsRegistry.removeSingleMetric(WAITING_EMAILS_DUE);
  }

  private counts(): Promise<WaitingCounts | undefined> {
    const now = Date.now();
    if (!this.last || now - this.last.at > COUNT_REUSE_MS) {
      const counts = this.deliveries.countWaiting(new Date(now), COUNT_TIMEOUT_MS).catch((error: unknown) => {
        this.log.warn(`waiting emails not counted for /metrics: ${(error as Error).message}`);
        return undefined;
      });
      this.last = { at: now, counts };
    }
    return this.last.counts;
  }
}
