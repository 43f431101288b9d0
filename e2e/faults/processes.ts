import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startService, type ManagedProcess, type ServiceName } from '../../tools/stack/stack.ts';
import { profile } from '../src/support';

const repoRoot = join(__dirname, '..', '..');

/** The pid listening on a local TCP port, from `ss` (the stack's processes belong to the suite's parent). */
export function pidListeningOn(port: number): number {
  const out = execFileSync('ss', ['-H', '-ltnp', `sport = :${port}`], { encoding: 'utf8' });
  const match = /pid=(\d+)/.exec(out);
  if (!match) throw new Error(`nothing listens on port ${port}`);
  return Number(match[1]);
}

/** kill -9: no shutdown hook, no offset commit, no outbox flush. */
export function crash(service: ServiceName): void {
  process.kill(pidListeningOn(profile().servicePorts[service]), 'SIGKILL');
}

/** SIGTERM, as an orchestrator stops a process: the graceful path (drain, commit, leave the group). */
export function terminate(service: ServiceName): void {
  process.kill(pidListeningOn(profile().servicePorts[service]), 'SIGTERM');
}

export async function waitUntilPortFree(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      pidListeningOn(port);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`port ${port} stayed busy`);
}

/** Starts the service again on its own port with the stack's settings; resolves once /health is 200. */
export async function restart(service: ServiceName, label: string): Promise<ManagedProcess> {
  await waitUntilPortFree(profile().servicePorts[service]);
  return startService(repoRoot, profile(), service, process.env, `${service}-${label}`);
}
