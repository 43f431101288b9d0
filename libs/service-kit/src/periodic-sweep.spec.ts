import { Logger } from '@nestjs/common';
import { PeriodicSweep } from './periodic-sweep';

class CountingSweep extends PeriodicSweep {
  runs = 0;
  failNext = false;
  release?: () => void;
  constructor() {
    super('CountingSweep', 'counting sweep');
  }
  protected intervalMs(): number {
    return 60_000;
  }
  protected async run(): Promise<void> {
    this.runs++;
    await new Promise<void>((resolve) => (this.release = resolve));
    if (this.failNext) throw new Error('store down');
  }
}

describe('PeriodicSweep', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('starts no second run while one is under way: a sweep meanwhile joins it', async () => {
    const job = new CountingSweep();
    const first = job.sweep();
    const second = job.sweep();
    expect(job.runs).toBe(1);
    job.release!();
    await Promise.all([first, second]);
    const third = job.sweep();
    expect(job.runs).toBe(2);
    job.release!();
    await third;
  });

  it('logs a failed run instead of throwing, and runs again next time', async () => {
    const job = new CountingSweep();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    job.failNext = true;
    const failed = job.sweep();
    job.release!();
    await expect(failed).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith('counting sweep failed, the next run retries: store down');
    job.failNext = false;
    const next = job.sweep();
    job.release!();
    await next;
    expect(job.runs).toBe(2);
    warn.mockRestore();
  });

  it('at shutdown, waits for the run under way', async () => {
    const job = new CountingSweep();
    job.onApplicationBootstrap();
    void job.sweep();
    let stopped = false;
    const stopping = job.beforeApplicationShutdown().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    job.release!();
    await stopping;
    expect(stopped).toBe(true);
  });
});
