// Peak resident memory of the service processes while a scenario runs.
// Sampled from /proc/<pid>/status (VmRSS) rather than read once from VmHWM:
// VmHWM is the peak since the process started, which would include start-up and
// every earlier scenario, not just the window being measured.
import { readFileSync } from 'node:fs';

/** VmRSS (or another `Vm*` field) of a /proc status text, in MiB; undefined if absent. */
export function parseStatusMb(statusText: string, field = 'VmRSS'): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(statusText);
  return match ? Number(match[1]) / 1024 : undefined;
}

function readRssMb(pid: number): number | undefined {
  try {
    return parseStatusMb(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined; // exited, or not Linux
  }
}

export interface RssSampler {
  /** Stops sampling; peak MiB per name (undefined when never readable). */
  stop(): Record<string, number | undefined>;
}

export function sampleRss(pids: Record<string, number>, intervalMs = 200): RssSampler {
  const peaks: Record<string, number | undefined> = Object.fromEntries(Object.keys(pids).map((name) => [name, undefined]));
  const sample = () => {
    for (const [name, pid] of Object.entries(pids)) {
      const rss = readRssMb(pid);
      if (rss !== undefined && (peaks[name] === undefined || rss > peaks[name]!)) peaks[name] = rss;
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { ...peaks };
    },
  };
}
