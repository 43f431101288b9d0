import { join } from 'node:path';
import { testProfile } from '../tools/stack/stack.ts';
// No path aliases here: the teardown runs outside jest's module mapping.
import { markedPersonalValues, personalDataInServiceLogs, personalValuesFile } from './log-scan';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__E2E_STACK__?.stop();
  await globalThis.__E2E_INFRA__?.stop();
  // Checked after the whole run, over every service's log: fails the run if any leak.
  const { dataDir } = testProfile(join(__dirname, '..'));
  const leaks = personalDataInServiceLogs(join(dataDir, 'logs'), markedPersonalValues(personalValuesFile(dataDir)));
  if (leaks.length > 0) throw new Error(`personal data in the service logs:\n${leaks.join('\n')}`);
}
