import { join } from 'node:path';
import { startService, type ManagedProcess, type ServiceName } from '../../../tools/stack/stack.ts';
import { profile } from './stack';

const repoRoot = join(__dirname, '..', '..', '..');

export interface ExtraInstance {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts another instance of a service beside the test stack, with its own
 * settings (e.g. a 3-second answer window), port, database prefix and, unless
 * told otherwise, its own consumer group, so it doesn't disturb the main one.
 */
export async function startExtraInstance(service: ServiceName, options: { port: number; env: Record<string, string>; logName: string }): Promise<ExtraInstance> {
  const base = profile();
  const extra = {
    ...base,
    servicePorts: { ...base.servicePorts, [service]: options.port },
    serviceEnv: { ...base.serviceEnv, ...options.env },
  };
  const proc: ManagedProcess = await startService(repoRoot, extra, service, process.env, options.logName);
  return { url: `http://127.0.0.1:${options.port}`, stop: () => proc.stop() };
}
