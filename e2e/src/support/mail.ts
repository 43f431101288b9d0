import { eventually, urls } from './stack';

/** A message as MailDev's REST API returns it. */
export interface Mail {
  id: string;
  subject: string;
  html?: string;
  text?: string;
  headers: Record<string, string | string[]>;
  to: { address: string }[];
  from?: { address: string; name?: string }[];
}

/** Every email MailDev holds for `to` (addresses are unique per test, so nothing needs clearing). */
export async function inbox(to: string): Promise<Mail[]> {
  const response = await fetch(`${urls().mailWebUrl}/api/email`);
  const mails = (await response.json()) as Mail[];
  return mails.filter((mail) => mail.to.some((recipient) => recipient.address.toLowerCase() === to.toLowerCase()));
}

/**
 * How many emails MailDev holds per recipient address (lower-cased), from one read of
 * the inbox: counting hundreds of recipients with `inbox()` would read it hundreds of times.
 * `fromName` counts only the emails whose sender has that display name (MAIL_FROM of one instance).
 */
export async function mailCountsByRecipient(options: { fromName?: string } = {}): Promise<Map<string, number>> {
  const response = await fetch(`${urls().mailWebUrl}/api/email`);
  const counts = new Map<string, number>();
  for (const mail of (await response.json()) as Mail[]) {
    if (options.fromName !== undefined && !mail.from?.some((sender) => sender.name === options.fromName)) continue;
    for (const address of new Set(mail.to.map((recipient) => recipient.address.toLowerCase()))) counts.set(address, (counts.get(address) ?? 0) + 1);
  }
  return counts;
}

export function mailTo(to: string, count = 1): Promise<Mail[]> {
  return eventually(`${count} email(s) to ${to}`, async () => {
    const mails = await inbox(to);
    return mails.length >= count ? mails : undefined;
  });
}

/** The respondent link in an email (the first `/respond/` or `/documentation/` URL). */
export function linkIn(mail: Mail): string {
  const match = /https?:\/\/[^\s"'<>]+\/(?:respond|documentation)\/[A-Za-z0-9._-]+/.exec(mail.html ?? mail.text ?? '');
  if (!match) throw new Error(`no respondent link in the email "${mail.subject}"`);
  return match[0];
}
