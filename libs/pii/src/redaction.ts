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

/** Query parameters that can carry personal data or secrets (`to` and `from` are date ranges here, not addresses). */
const SENSITIVE_QUERY = new Set(['recipient', 'email', 'phone', 'fullname', 'displayname', 'referencenumber', 'token', 'password', 'userid']);

/**
 * Makes a URL safe to log: respondent and documentation links carry a bearer
 * secret in the path, and query parameters such as `?recipient=` carry personal data.
 */
export function maskUrlSecrets(url: string): string {
  const [path = '', query] = url.split('?', 2);
  const maskedPath = path.replace(/\/(respond|documentation)\/[^/#]+/g, '/$1/[REDACTED]');
  if (query === undefined) return maskedPath;
  const maskedQuery = query
    .split('&')
    .map((pair) => {
      const [key = ''] = pair.split('=', 1);
      return SENSITIVE_QUERY.has(decodeURIComponent(key).toLowerCase()) ? `${key}=[REDACTED]` : pair;
    })
    .join('&');
  return `${maskedPath}?${maskedQuery}`;
}

/** `ann.smith@example.com` -> `a***@example.com`: enough for an operator to recognise, not to reuse. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
