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

/**
 * Secrets of the configuration and of the connections built from it (the
 * environment variables by name, and kafkajs' / the MongoDB driver's option
 * names), should a config or connection object ever be logged. `MONGO_URL`
 * and `SMTP_URL` may carry `user:password@`.
 */
export const SECRET_FIELDS = [
  'AUTH_JWT_SECRET',
  'PII_ENCRYPTION_KEYS',
  'RESPONDENT_LINK_SECRET',
  'ANALYTICS_SKETCH_KEY',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'KAFKA_TLS_KEY_PASSPHRASE',
  'MONGO_USERNAME',
  'MONGO_PASSWORD',
  'MONGO_URL',
  'SMTP_URL',
  'sasl',
  'ssl',
  'auth',
  'passphrase',
  'secret',
  'jwtSecret',
  'piiKeys',
  'kafkaSasl',
  'kafkaTls',
  'mongoSecurity',
] as const;

/** pino `redact.paths` covering PERSONAL_FIELDS and SECRET_FIELDS at depths 0–4. */
export function redactionPaths(): string[] {
  const prefixes = ['', '*.', '*.*.', '*.*.*.', '*.*.*.*.'];
  return prefixes.flatMap((prefix) => [...PERSONAL_FIELDS, ...SECRET_FIELDS].map((field) => `${prefix}${field}`));
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
