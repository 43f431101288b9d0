import { eventually, urls } from './stack';

/** A message as MailDev's REST API returns it. */
export interface Mail {
  id: string;
  subject: string;
  html?: string;
  text?: string;
  headers: Record<string, string | string[]>;
  to: { address: string }[];
}

/** Every email MailDev holds for `to` (addresses are unique per test, so nothing needs clearing). */
export async function inbox(to: string): Promise<Mail[]> {
  const response = await fetch(`${urls().mailWebUrl}/api/email`);
  const mails = (await response.json()) as Mail[];
  return mails.filter((mail) => mail.to.some((recipient) => recipient.address.toLowerCase() === to.toLowerCase()));
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
