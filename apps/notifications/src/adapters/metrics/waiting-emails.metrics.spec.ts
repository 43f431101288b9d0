import { metricsRegistry } from '@feedback/observability';
import type { DeliveryRepository } from '../mongo/delivery.repository';
import { WAITING_EMAILS, WAITING_EMAILS_DUE, WaitingEmailsMetrics } from './waiting-emails.metrics';

/** The value line of a metric in the Prometheus text format. */
function valueOf(text: string, name: string): string | undefined {
  return new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
}

describe('WaitingEmailsMetrics', () => {
  let metrics: WaitingEmailsMetrics | undefined;
  const withCounts = (countWaiting: DeliveryRepository['countWaiting']) => {
    metrics = new WaitingEmailsMetrics({ countWaiting } as DeliveryRepository);
    metrics.onModuleInit();
  };
  afterEach(() => metrics?.onModuleDestroy());

  it('reports the waiting emails and the due ones, from one count per scrape', async () => {
    const countWaiting = jest.fn().mockResolvedValue({ waiting: 1200, due: 35 });
    withCounts(countWaiting);
    const text = await metricsRegistry.metrics();
    expect(valueOf(text, WAITING_EMAILS)).toBe('1200');
    expect(valueOf(text, WAITING_EMAILS_DUE)).toBe('35');
    expect(countWaiting).toHaveBeenCalledTimes(1);
  });

  it('reads NaN when the store cannot count, and the rest of the scrape is still served', async () => {
    withCounts(jest.fn().mockRejectedValue(new Error('store down')));
    const text = await metricsRegistry.metrics();
    // prom-client writes "Nan"; Prometheus parses NaN in any case.
    expect(valueOf(text, WAITING_EMAILS)).toMatch(/^nan$/i);
    expect(valueOf(text, WAITING_EMAILS_DUE)).toMatch(/^nan$/i);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
  });

  it('takes its gauges off the registry when the module stops (a second app in the same process registers them again)', () => {
    withCounts(jest.fn());
    metrics!.onModuleDestroy();
    metrics = undefined;
    expect(metricsRegistry.getSingleMetric(WAITING_EMAILS)).toBeUndefined();
    expect(() => withCounts(jest.fn())).not.toThrow();
  });
});
