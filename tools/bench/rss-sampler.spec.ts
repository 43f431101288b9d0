import { parseStatusMb, sampleRss } from './rss-sampler.ts';

describe('parseStatusMb', () => {
  const status = 'Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t  262144 kB\nVmRSS:\t  131072 kB\nThreads:\t11\n';

  it('reads VmRSS (or another Vm field) in MiB', () => {
    expect(parseStatusMb(status)).toBe(128);
    expect(parseStatusMb(status, 'VmHWM')).toBe(256);
  });

  it('is undefined when the field is missing', () => {
    expect(parseStatusMb('Name:\tnode\n')).toBeUndefined();
  });
});

describe('sampleRss', () => {
  it('reports a peak for a live process and nothing for one that does not exist', () => {
    const sampler = sampleRss({ self: process.pid, gone: 2 ** 22 + 12_345 }, 10);
    const peaks = sampler.stop();
    if (process.platform === 'linux') expect(peaks.self).toBeGreaterThan(1);
    expect(peaks.gone).toBeUndefined();
  });
});
