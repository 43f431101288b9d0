import { ConfigError, loadConfig } from './load-config';
import { kafkaSecurity, mongoSecurity, mongoUrlHasCredentials, mongoUrlUsesTls } from './connection-config';
import { serviceEnvSchema } from './platform-config';

const schema = serviceEnvSchema(3002, {});
const load = (env: Record<string, string>) => loadConfig(schema, env);

/** The error message of a config that must be refused. */
function refusal(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

const PEM = (what: string) => `-----BEGIN ${what}-----\nMIIB\n-----END ${what}-----\n`;
const files: Record<string, string> = { '/run/secrets/ca.pem': PEM('CERTIFICATE'), '/run/secrets/client.pem': PEM('CERTIFICATE'), '/run/secrets/client.key': PEM('PRIVATE KEY') };
const read = (path: string) => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file ${path}`), { code: 'ENOENT' });
  return text;
};
const check = (path: string) => void read(path);

describe('Kafka connection settings', () => {
  it('are plaintext without SASL by default (the local stack)', () => {
    const config = load({});
    expect(config).toMatchObject({ KAFKA_TLS: false, MONGO_TLS: false });
    expect(config.KAFKA_SASL_MECHANISM).toBeUndefined();
    expect(kafkaSecurity(config, read)).toEqual({ tls: false });
  });

  it.each([
    ['plain', 'plain'],
    ['PLAIN', 'plain'],
    ['SCRAM-SHA-256', 'scram-sha-256'],
    ['scram-sha-512', 'scram-sha-512'],
  ])('accepts SASL mechanism %s', (given, mechanism) => {
    const config = load({ KAFKA_SASL_MECHANISM: given, KAFKA_SASL_USERNAME: 'svc-feedback', KAFKA_SASL_PASSWORD: 'p@ss:w/rd', KAFKA_TLS: 'true' });
    expect(kafkaSecurity(config, read)).toEqual({ tls: {}, sasl: { mechanism, username: 'svc-feedback', password: 'p@ss:w/rd' } });
  });

  it('reads the CA, client certificate and key for TLS', () => {
    const config = load({
      KAFKA_TLS: 'TRUE',
      KAFKA_TLS_CA_FILE: '/run/secrets/ca.pem',
      KAFKA_TLS_CERT_FILE: '/run/secrets/client.pem',
      KAFKA_TLS_KEY_FILE: '/run/secrets/client.key',
      KAFKA_TLS_KEY_PASSPHRASE: 'unlock-me',
    });
    expect(kafkaSecurity(config, read)).toEqual({
      tls: { ca: files['/run/secrets/ca.pem'], cert: files['/run/secrets/client.pem'], key: files['/run/secrets/client.key'], passphrase: 'unlock-me' },
    });
  });

  it.each([
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_PASSWORD: 'pw' }, /^ {2}KAFKA_SASL_USERNAME: must be set when KAFKA_SASL_MECHANISM is scram-sha-256$/m],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' }, /^ {2}KAFKA_SASL_PASSWORD: must be set when KAFKA_SASL_MECHANISM is plain$/m],
    [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'pw' }, /^ {2}KAFKA_SASL_USERNAME: is set but KAFKA_SASL_MECHANISM is not/m],
    [{ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'pw' }, /^ {2}KAFKA_SASL_MECHANISM: must be one of plain, scram-sha-256, scram-sha-512$/m],
    [{ KAFKA_TLS: 'maybe' }, /^ {2}KAFKA_TLS: must be true or false$/m],
    [{ KAFKA_TLS_CA_FILE: '/run/secrets/ca.pem' }, /^ {2}KAFKA_TLS_CA_FILE: is set but KAFKA_TLS is not true$/m],
    [{ KAFKA_TLS: 'true', KAFKA_TLS_CERT_FILE: '/run/secrets/client.pem' }, /^ {2}KAFKA_TLS_KEY_FILE: must be set with KAFKA_TLS_CERT_FILE/m],
    [{ KAFKA_TLS: 'true', KAFKA_TLS_KEY_FILE: '/run/secrets/client.key' }, /^ {2}KAFKA_TLS_CERT_FILE: must be set with KAFKA_TLS_KEY_FILE/m],
  ])('refuses %p with one line naming the variable', (env, line) => {
    expect(refusal(env)).toMatch(line);
  });

  it('refuses SASL PLAIN without TLS in production only (it sends the password as it is)', () => {
    const secrets = { AUTH_JWT_SECRET: 's'.repeat(40), PII_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}` };
    const plain = { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'pw' };
    expect(refusal({ ...secrets, ...plain, NODE_ENV: 'production' })).toMatch(/^ {2}KAFKA_TLS: must be true with KAFKA_SASL_MECHANISM=plain in production/m);
    expect(() => load({ ...secrets, ...plain, NODE_ENV: 'production', KAFKA_TLS: 'true' })).not.toThrow();
    expect(() => load({ ...secrets, ...plain, NODE_ENV: 'production', KAFKA_SASL_MECHANISM: 'scram-sha-512' })).not.toThrow();
    expect(() => load(plain)).not.toThrow();
  });

  it('stops on a PEM file that is missing or is not PEM, naming the variable', () => {
    const missing = load({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: '/run/secrets/nope.pem' });
    expect(() => kafkaSecurity(missing, read)).toThrow(ConfigError);
    expect(() => kafkaSecurity(missing, read)).toThrow(/KAFKA_TLS_CA_FILE: cannot read \/run\/secrets\/nope\.pem \(ENOENT\)/);
    files['/run/secrets/not-pem.txt'] = 'hello';
    expect(() => kafkaSecurity(load({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: '/run/secrets/not-pem.txt' }), read)).toThrow(/KAFKA_TLS_CA_FILE: \/run\/secrets\/not-pem\.txt is not a PEM file/);
  });
});

describe('MongoDB connection settings', () => {
  it('add nothing to the URL by default', () => {
    expect(mongoSecurity(load({}), check)).toEqual({});
    // harmless without credentials (the driver ignores it), so a deployment can always set it
    expect(mongoSecurity(load({ MONGO_AUTH_SOURCE: 'admin' }), check)).toEqual({ authSource: 'admin' });
  });

  it('take credentials, their database and TLS from their own variables', () => {
    const config = load({
      MONGO_URL: 'mongodb://db1:27017,db2:27017/?replicaSet=rs0',
      MONGO_USERNAME: 'feedback',
      MONGO_PASSWORD: 'p@ss:w/rd?',
      MONGO_AUTH_SOURCE: 'admin',
      MONGO_TLS: 'true',
      MONGO_TLS_CA_FILE: '/run/secrets/ca.pem',
      MONGO_TLS_CERT_KEY_FILE: '/run/secrets/client.pem',
    });
    expect(mongoSecurity(config, check)).toEqual({
      auth: { username: 'feedback', password: 'p@ss:w/rd?' },
      authSource: 'admin',
      tls: true,
      tlsCAFile: '/run/secrets/ca.pem',
      tlsCertificateKeyFile: '/run/secrets/client.pem',
    });
  });

  it('still accepts credentials in MONGO_URL, and TLS turned on by the URL', () => {
    expect(mongoSecurity(load({ MONGO_URL: 'mongodb://u:pw@db:27017/?tls=true', MONGO_AUTH_SOURCE: 'admin', MONGO_TLS_CA_FILE: '/run/secrets/ca.pem' }), check)).toEqual({
      authSource: 'admin',
      tlsCAFile: '/run/secrets/ca.pem',
    });
    expect(() => load({ MONGO_URL: 'mongodb+srv://cluster0.example.net', MONGO_TLS_CA_FILE: '/run/secrets/ca.pem' })).not.toThrow();
  });

  it.each([
    [{ MONGO_USERNAME: 'feedback' }, /^ {2}MONGO_PASSWORD: must be set with MONGO_USERNAME$/m],
    [{ MONGO_PASSWORD: 'pw' }, /^ {2}MONGO_USERNAME: must be set with MONGO_PASSWORD$/m],
    [{ MONGO_URL: 'mongodb://u:pw@db:27017', MONGO_USERNAME: 'feedback', MONGO_PASSWORD: 'pw' }, /^ {2}MONGO_USERNAME: is set but MONGO_URL carries credentials too/m],
    [{ MONGO_AUTH_SOURCE: 'no spaces allowed', MONGO_USERNAME: 'u', MONGO_PASSWORD: 'pw' }, /^ {2}MONGO_AUTH_SOURCE: must be a database name$/m],
    [{ MONGO_TLS_CA_FILE: '/run/secrets/ca.pem' }, /^ {2}MONGO_TLS_CA_FILE: is set but TLS is off \(set MONGO_TLS=true\)$/m],
    [{ MONGO_URL: 'mongodb://db:27017/?tls=false', MONGO_TLS_CERT_KEY_FILE: '/run/secrets/client.pem' }, /^ {2}MONGO_TLS_CERT_KEY_FILE: is set but TLS is off/m],
    [{ MONGO_TLS: 'nope' }, /^ {2}MONGO_TLS: must be true or false$/m],
  ])('refuses %p with one line naming the variable', (env, line) => {
    expect(refusal(env)).toMatch(line);
  });

  it('stops on a TLS file that cannot be read, naming the variable', () => {
    const config = load({ MONGO_TLS: 'true', MONGO_TLS_CERT_KEY_FILE: '/run/secrets/missing.pem' });
    expect(() => mongoSecurity(config, check)).toThrow(/MONGO_TLS_CERT_KEY_FILE: cannot read \/run\/secrets\/missing\.pem \(ENOENT\)/);
  });

  it.each([
    ['mongodb://db:27017', false, false],
    ['mongodb://u:pw@db:27017/app', false, true],
    ['mongodb://db:27017/?tls=true', true, false],
    ['mongodb://db:27017/?replicaSet=rs0&ssl=true', true, false],
    ['mongodb+srv://u:pw@cluster0.example.net/?retryWrites=true', true, true],
    ['mongodb+srv://cluster0.example.net/?tls=false', false, false],
    ['mongodb://db:27017/?authSource=a@b', false, false],
  ])('%s: TLS %p, credentials %p', (url, tls, credentials) => {
    expect(mongoUrlUsesTls(url)).toBe(tls);
    expect(mongoUrlHasCredentials(url)).toBe(credentials);
  });
});

describe('secrets in configuration errors', () => {
  it('never appear in the message, whatever else is wrong', () => {
    const message = refusal({
      KAFKA_SASL_MECHANISM: 'kerberos',
      KAFKA_SASL_USERNAME: 'kafka-user-4711',
      KAFKA_SASL_PASSWORD: 'kafka-secret-4711',
      KAFKA_TLS_KEY_PASSPHRASE: 'passphrase-4711',
      MONGO_URL: 'mongodb://mongo-user-4711:mongo-secret-4711@db:27017',
      MONGO_USERNAME: 'other-user-4711',
      MONGO_PASSWORD: 'mongo-password-4711',
      MONGO_AUTH_SOURCE: 'bad source',
    });
    expect(message).toMatch(/KAFKA_SASL_MECHANISM/);
    for (const secret of ['kafka-user-4711', 'kafka-secret-4711', 'passphrase-4711', 'mongo-secret-4711', 'mongo-password-4711', 'other-user-4711']) {
      expect(message).not.toContain(secret);
    }
  });
});
