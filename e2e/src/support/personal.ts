import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { profile } from './stack';

/** Where the run's personal values are listed, for the log scan at the end of the run (e2e/log-scan.ts). */
export function personalValuesFile(dataDir: string): string {
  return join(dataDir, 'personal-values.jsonl');
}

/**
 * Marks a value a test uses as personal data (a name, a phone number, a
 * comment, a reference number...) and returns it. After the whole run every
 * service log is searched for every value marked so: none may appear.
 */
export function personal<T extends string>(value: T): T {
  appendFileSync(personalValuesFile(profile().dataDir), `${JSON.stringify(value)}\n`);
  return value;
}
