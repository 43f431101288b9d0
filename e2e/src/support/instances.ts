import { join } from 'node:path';
import { startService, type ManagedProcess, type ServiceName } from '../../../tools/stack/stack.ts';
import { profile } from './stack';

const repoRoot = join(__dirname, '..', '..', '..');

export interface ExtraInstance {
  url: string;
  /** The process itself, for fault tests that signal it and read its exit code. */
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * Starts another instance of a service beside the test stack, on its own port,
 * with the stack's settings overridden by `env`. Without KAFKA_GROUP_ID and
 * MONGO_DB_PREFIX in `env` it joins the main instance's consumer group and
 * shares its database (a scale-out); a test that gives it other settings (e.g.
 * a 3-second answer window) sets both, so it doesn't disturb the main one.
 */
export async function startExtraInstance(service: ServiceName, options: { port: number; env: Record<string, string>; logName: string }): Promise<ExtraInstance> {
  const base = profile();
  const extra = {
    ...base,
    servicePorts: { ...base.servicePorts, [service]: options.port },
    serviceEnv: { ...base.serviceEnv, ...options.env },
  };
  const proc: ManagedProcess = await startService(repoRoot, extra, service, process.env, options.logName);
  return { url: `http://127.0.0.1:${options.port}`, process: proc, stop: () => proc.stop() };
}
