import { Writable } from 'node:stream';
import pino from 'pino';
import { PERSONAL_FIELDS, redactionPaths, SECRET_FIELDS } from './redaction';

/** What a pino logger with the platform's redaction writes for `object`. */
function logged(object: Record<string, unknown>): string {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out += chunk.toString();
      done();
    },
  });
  pino({ redact: { paths: redactionPaths(), censor: '[REDACTED]' } }, sink).info(object, 'config');
  return out;
}

describe('log redaction', () => {
  it('covers every personal and secret field at the first nesting levels', () => {
    const paths = new Set(redactionPaths());
    for (const field of [...PERSONAL_FIELDS, ...SECRET_FIELDS]) {
      for (const prefix of ['', '*.', '*.*.', '*.*.*.', '*.*.*.*.']) expect(paths.has(`${prefix}${field}`)).toBe(true);
    }
  });

  it('hides the connection secrets of a logged configuration or connection object', () => {
    const line = logged({
      config: {
        KAFKA_SASL_USERNAME: 'kafka-user-4711',
        KAFKA_SASL_PASSWORD: 'kafka-secret-4711',
        KAFKA_TLS_KEY_PASSPHRASE: 'passphrase-4711',
        MONGO_USERNAME: 'mongo-user-4711',
        MONGO_PASSWORD: 'mongo-secret-4711',
        MONGO_URL: 'mongodb://u:url-secret-4711@db:27017',
        SMTP_URL: 'smtps://u:smtp-secret-4711@mail:465',
        AUTH_JWT_SECRET: 'jwt-secret-4711',
        PII_ENCRYPTION_KEYS: 'k1:pii-secret-4711',
        KAFKA_BROKERS: ['kafka:9093'],
      },
      kafka: { clientId: 'feedback-store', sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'sasl-secret-4711' }, ssl: { key: 'key-pem-4711' } },
      mongo: { dbName: 'reporting', auth: { username: 'u', password: 'auth-secret-4711' } },
    });
    for (const secret of ['kafka-user-4711', 'secret-4711', 'passphrase-4711', 'mongo-user-4711', 'key-pem-4711']) expect(line).not.toContain(secret);
    expect(line).toContain('kafka:9093');
    expect(line).toContain('"clientId":"feedback-store"');
    expect(line).toContain('"dbName":"reporting"');
  });
});
