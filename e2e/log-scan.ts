import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** An email address anywhere in a line (the platform's own sender address aside). */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const ALLOWED = new Set(['no-reply@feedback.local']);
/** Logs of the infrastructure, not of our services: MailDev logs every address it receives, by design. */
const NOT_OURS = new Set(['kafka.log', 'mongo.log', 'maildev.log']);

/**
 * Personal data must never reach the services' logs (they redact fields by name
 * and mask link secrets and personal query parameters). Every e2e and fault run
 * uses hundreds of addresses: none may appear in any service log.
 */
export function personalDataInServiceLogs(logDir: string): string[] {
  if (!existsSync(logDir)) return [];
  const leaks: string[] = [];
  for (const file of readdirSync(logDir).filter((f) => f.endsWith('.log') && !NOT_OURS.has(f))) {
    const text = readFileSync(join(logDir, file), 'utf8');
    for (const match of text.match(EMAIL) ?? []) if (!ALLOWED.has(match.toLowerCase())) leaks.push(`${file}: ${match}`);
  }
  return [...new Set(leaks)].slice(0, 20);
}
