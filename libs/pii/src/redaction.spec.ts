import { PERSONAL_FIELDS, REDACTED, redactPersonalFields, SECRET_FIELDS } from './redaction';

describe('log redaction', () => {
  it('redacts every personal and secret field at each of the first nesting levels, arrays included', () => {
    for (const field of [...PERSONAL_FIELDS, ...SECRET_FIELDS]) {
      const nested = { a: { b: [{ c: { [field]: 'x-4711', kept: 1 } }] } };
      expect(redactPersonalFields({ [field]: 'x-4711' })).toEqual({ [field]: REDACTED });
      expect(JSON.stringify(redactPersonalFields(nested))).toBe(JSON.stringify({ a: { b: [{ c: { [field]: REDACTED, kept: 1 } }] } }));
    }
  });

  it('hides the connection secrets of a logged configuration or connection object', () => {
    const line = JSON.stringify(
      redactPersonalFields({
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
      }),
    );
    for (const secret of ['kafka-user-4711', 'secret-4711', 'passphrase-4711', 'mongo-user-4711', 'key-pem-4711']) expect(line).not.toContain(secret);
    expect(line).toContain('kafka:9093');
    expect(line).toContain('"clientId":"feedback-store"');
    expect(line).toContain('"dbName":"reporting"');
  });

  it('never changes the object it was given, and copies nothing when nothing is personal', () => {
    const logged = { request: { id: 'r1', recipient: 'ann@example.com' }, list: [{ phone: '+4412345678' }] };
    const before = structuredClone(logged);
    const redacted = redactPersonalFields(logged);
    expect(logged).toEqual(before);
    expect(redacted).toEqual({ request: { id: 'r1', recipient: REDACTED }, list: [{ phone: REDACTED }] });
    const harmless = { request: { id: 'r1' }, at: new Date(0), list: [1, 2] };
    expect(redactPersonalFields(harmless)).toBe(harmless);
  });

  it('redacts what JSON would write for an object with toJSON (a mongoose document) and the own properties of an error', () => {
    const document = { _doc: { email: 'doc@example.com' }, toJSON: () => ({ _id: 'd1', email: 'doc@example.com' }) };
    expect(redactPersonalFields({ document })).toEqual({ document: { _id: 'd1', email: REDACTED } });
    const error = Object.assign(new Error('failed'), { recipient: 'err@example.com', code: 'EAUTH' });
    expect(JSON.stringify(redactPersonalFields({ error }))).toBe(JSON.stringify({ error: { recipient: REDACTED, code: 'EAUTH' } }));
  });

  it('leaves the skipped top-level keys to their serializers, and stops at a depth (a cycle does not loop)', () => {
    const raw = { req: { headers: { authorization: 'Bearer t' } }, comment: 'free text' };
    expect(redactPersonalFields(raw, new Set(['req']))).toEqual({ req: raw.req, comment: REDACTED });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    expect(() => redactPersonalFields(cyclic)).not.toThrow();
  });

  it('redacts whole what it cannot look into (a toJSON or a getter that throws) rather than throw or leak', () => {
    const broken = { toJSON: () => { throw new Error('no'); }, email: 'hidden@example.com' };
    const getter = Object.defineProperty({ id: 'g1' }, 'email', { enumerable: true, get: () => { throw new Error('no'); } });
    expect(redactPersonalFields({ id: 'x', broken, nested: { getter } })).toEqual({ id: 'x', broken: REDACTED, nested: { getter: REDACTED } });
  });
});
