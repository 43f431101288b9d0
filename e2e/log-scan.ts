import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** An email address anywhere in a line (the platform's own sender address aside). */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const ALLOWED = new Set(['no-reply@feedback.local']);
/** Logs of the infrastructure, not of our services: MailDev logs every address it receives, by design. */
const NOT_OURS = new Set(['kafka.log', 'mongo.log', 'maildev.log']);

/** Values shorter than this are too common to tell a leak from a coincidence (a score, a language). */
const SHORTEST_VALUE = 6;

/**
 * Personal data must never reach the services' logs (they redact fields by name
 * and mask link secrets and personal query parameters). Every e2e and fault run
 * uses hundreds of addresses, and the tests mark the other personal values they
 * use (names, phone numbers, comments, reference numbers: `personal()` in
 * e2e/src/support): none may appear in any service log.
 */
export function personalDataInServiceLogs(logDir: string, personalValues: readonly string[] = []): string[] {
  if (!existsSync(logDir)) return [];
  const values = [...new Set(personalValues)].filter((v) => v.length >= SHORTEST_VALUE);
  const leaks: string[] = [];
  for (const file of readdirSync(logDir).filter((f) => f.endsWith('.log') && !NOT_OURS.has(f))) {
    const text = readFileSync(join(logDir, file), 'utf8');
    for (const match of text.match(EMAIL) ?? []) if (!ALLOWED.has(match.toLowerCase())) leaks.push(`${file}: ${match}`);
    // JSON logs escape quotes and non-ASCII: look for the value as a JSON string body too.
    for (const value of values) if (text.includes(value) || text.includes(JSON.stringify(value).slice(1, -1))) leaks.push(`${file}: ${value}`);
  }
  return [...new Set(leaks)].slice(0, 20);
}

/** Where a run's personal values are listed (`personal()` in e2e/src/support appends, the teardown reads). */
export function personalValuesFile(dataDir: string): string {
  return join(dataDir, 'personal-values.jsonl');
}

/** The values the run's tests marked personal (one JSON string per line). */
export function markedPersonalValues(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string);
}
