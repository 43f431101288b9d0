import { join } from 'node:path';
import { testProfile } from '../tools/stack/stack.ts';
import { personalDataInServiceLogs } from './log-scan';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__E2E_STACK__?.stop();
  // Checked after the whole run, over every service's log: fails the run if any leak.
  const leaks = personalDataInServiceLogs(join(testProfile(join(__dirname, '..')).dataDir, 'logs'));
  if (leaks.length > 0) throw new Error(`personal data in the service logs:\n${leaks.join('\n')}`);
}
