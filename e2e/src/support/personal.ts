import { appendFileSync } from 'node:fs';
import { personalValuesFile } from '../../log-scan';
import { profile } from './stack';

/**
 * Marks a value a test uses as personal data (a name, a phone number, a
 * comment, a reference number...) and returns it. After the whole run every
 * service log is searched for every value marked so: none may appear.
 */
export function personal<T extends string>(value: T): T {
  appendFileSync(personalValuesFile(profile().dataDir), `${JSON.stringify(value)}\n`);
  return value;
}
