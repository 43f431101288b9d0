/**
 * Field names that hold personal data or secrets anywhere in the platform.
 * Logs redact them at any of the first few nesting levels.
 */
export const PERSONAL_FIELDS = [
  'email',
  'phone',
  'fullName',
  'displayName',
  'referenceNumber',
  'comment',
  'description',
  'recipient',
  'to',
  'token',
  'password',
  'authorization',
  'cookie',
  'sealed',
  'ciphertext',
] as const;

/** pino `redact.paths` covering PERSONAL_FIELDS at depths 0–4. */
export function redactionPaths(): string[] {
  const prefixes = ['', '*.', '*.*.', '*.*.*.', '*.*.*.*.'];
  return prefixes.flatMap((prefix) => PERSONAL_FIELDS.map((field) => `${prefix}${field}`));
}

/** Respondent and documentation links carry a bearer secret in the path: mask it before a URL is logged. */
export function maskUrlSecrets(url: string): string {
  return url.replace(/\/(respond|documentation)\/[^/?#]+/g, '/$1/[REDACTED]');
}

/** `ann.smith@example.com` -> `a***@example.com`: enough for an operator to recognise, not to reuse. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
