// CPU time each process of the stack spends while a scenario runs, from
// /proc/<pid>/stat. On a machine whose cores the broker, the store and five
// services share, a figure is set by what every process spends on it, not only
// the one that serves it: this says where the time of each answer goes.
import { readFileSync } from 'node:fs';

/** Linux's clock tick (USER_HZ): 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/** User + system CPU of a /proc/<pid>/stat text, in ms; undefined if unreadable. */
export function parseStatCpuMs(statText: string): number | undefined {
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const fields = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? ((utime + stime) * 1000) / TICKS_PER_SECOND : undefined;
}

function readCpuMs(pid: number): number | undefined {
  try {
    return parseStatCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // exited, or not Linux
  }
}

export interface CpuMeter {
  /** CPU ms each process spent since the meter started (processes that could not be read are left out). */
  stop(): Record<string, number>;
}

export function meterCpu(pids: Record<string, number>): CpuMeter {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, readCpuMs(pid)]));
  return {
    stop() {
      const spent: Record<string, number> = {};
      for (const [name, pid] of Object.entries(pids)) {
        const start = before[name];
        const end = readCpuMs(pid);
        if (start !== undefined && end !== undefined) spent[name] = end - start;
      }
      return spent;
    },
  };
}

/** "requests 0.95, mongo 0.45, ..." ms per operation, the busiest first. */
export function perOperation(spent: Record<string, number>, operations: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(spent)
      .sort(([, a], [, b]) => b - a)
      .map(([name, ms]) => [name, Math.round((ms / Math.max(1, operations)) * 1000) / 1000]),
  );
}

/** "1.64 in all (requests 0.89, mongo 0.35, ...)": per-operation ms, the tiny shares left out. */
export function describeCpu(perProcess: Record<string, number>): string {
  const total = Object.values(perProcess).reduce((sum, ms) => sum + ms, 0);
  const shares = Object.entries(perProcess).filter(([, ms]) => ms >= 0.005);
  return `${total.toFixed(2)} in all (${shares.map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(', ')})`;
}
