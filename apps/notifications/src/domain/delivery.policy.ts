import { createHash } from 'node:crypto';
import type { DeliveryResult } from './delivery.types';

/** Namespace of every id this service derives (a fixed random UUID, as RFC 9562 asks for name-based ids). */
const NOTIFICATIONS_NAMESPACE = 'a1d4b0a4-5f0e-4c36-9a8b-2f6c3e1d7b90';

/**
 * A name-based UUID (version 5, SHA-1, RFC 9562): the same name always gives
 * the same id, so a redelivered event maps to the same email and event ids.
 */
export function deterministicUuid(name: string, namespace = NOTIFICATIONS_NAMESPACE): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Id of the EmailSent / EmailFailed event of a delivery: a re-emitted event is recognisably the same one. */
export function deliveryEventId(notificationId: string, type: 'EmailSent' | 'EmailFailed'): string {
  return deterministicUuid(`event/${notificationId}/${type}`);
}

/** Attempts at handing one email to the mail server before it is recorded `failed`. */
export const MAX_SEND_ATTEMPTS = 5;

/**
 * Wait after failed attempt `attempt` (1-based): 0.5 s, 1 s, 2 s, 4 s, capped at 8 s.
 * The whole budget stays well inside the Kafka session timeout, as the handler
 * holds its partition while it retries.
 */
export function retryDelayMs(attempt: number, baseMs = 500, capMs = 8000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** What nodemailer (and node's sockets) put on a failed send. */
export interface SendError {
  code?: string;
  /** The SMTP reply code, when the server answered. */
  responseCode?: number;
  response?: string;
  message?: string;
}

/** Failures that no retry can fix when the server gave no reply code: bad envelope, credentials, configuration. */
const PERMANENT_CODES = new Set(['EENVELOPE', 'EAUTH', 'ENOAUTH', 'EOAUTH2', 'ECONFIG', 'EREQUIRETLS', 'EFILEACCESS', 'EURLACCESS']);

/** Hides email addresses in a server reply or error text: a delivery reason never carries one. */
export function redactAddresses(text: string): string {
  return (
    text
      // Quoted local parts may hold spaces ("ann smith"@example.com), plain ones may not.
      .replace(/<?"[^"\r\n]*"@[^\s<>@"';,():]+>?/g, '[address]')
      .replace(/<?[^\s<>@"';,()]+@[^\s<>@"';,():]+>?/g, '[address]')
  );
}

/**
 * Whether a failed send is worth retrying. A 5xx reply is permanent (the
 * server refused this message for good), a 4xx reply is transient (greylisting,
 * full mailbox, throttling), and so are connection, timeout and socket errors.
 * The reason is the error without any address, at most 500 characters.
 */
/** Errors that say the mail server is down or unreachable, not that it refused this email. */
const UNREACHABLE_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

export function classifySendFailure(error: SendError): { retry: boolean; reason: string; unreachable: boolean } {
  const code = typeof error.responseCode === 'number' ? error.responseCode : undefined;
  const detail = (error.response ?? error.message ?? 'unknown error').replace(/\s+/g, ' ').trim();
  const prefix = code ? `SMTP ${code}` : (error.code ?? 'error');
  const reason = redactAddresses(`${prefix}: ${detail}`).slice(0, 500);
  if (code !== undefined && code >= 500) return { retry: false, reason, unreachable: false };
  if (code !== undefined && code >= 400) return { retry: true, reason, unreachable: false };
  return { retry: !PERMANENT_CODES.has(error.code ?? ''), reason, unreachable: code === undefined && UNREACHABLE_CODES.has(error.code ?? '') };
}

/**
 * Hands one email to the mail server, retrying transient failures with
 * exponential backoff, at most `maxAttempts` times in all. `onAttempt` is told
 * the number of each attempt before it starts (to keep the count stored).
 */
export async function attemptDelivery(
  send: () => Promise<void>,
  sleep: (ms: number) => Promise<void>,
  options: { maxAttempts?: number; onAttempt?: (attempt: number) => Promise<void> } = {},
): Promise<DeliveryResult> {
  const maxAttempts = options.maxAttempts ?? MAX_SEND_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    await options.onAttempt?.(attempt);
    try {
      await send();
      return { sent: true, attempts: attempt };
    } catch (error) {
      const { retry, reason, unreachable } = classifySendFailure((error ?? {}) as SendError);
      if (!retry) return { sent: false, attempts: attempt, reason };
      if (attempt >= maxAttempts) return { sent: false, attempts: attempt, reason: `gave up after ${attempt} attempts: ${reason}`.slice(0, 500), unreachable };
      await sleep(retryDelayMs(attempt));
    }
  }
}

/** What to do with an email whose recipient or business is not in the directory (yet). */
export type ProfileWait = { wait: true; since: Date; retryAt: Date } | { wait: false };

/**
 * Profiles and requests travel on different topics, so an email can be
 * consumed before its recipient's or business's profile. Such an email waits
 * off the partition (parked in its delivery record, under the profiles it
 * awaits: see awaitedProfiles) until one of them arrives, when the directory's
 * consumer makes it due at once, or until `maxWaitMs` has passed since it first
 * waited; then it is recorded `failed` with the reason. It is not polled
 * meanwhile: a flood of emails to people not known yet (an upstream outage)
 * would keep the retries busy for its whole wait, and an email whose profile
 * had come would queue behind them. `maxWaitMs` 0: never wait.
 */
export function profileWait(since: Date | undefined, now: Date, maxWaitMs: number): ProfileWait {
  const start = since ?? now;
  const giveUpAt = start.getTime() + maxWaitMs;
  if (now.getTime() >= giveUpAt) return { wait: false };
  return { wait: true, since: start, retryAt: new Date(giveUpAt) };
}
