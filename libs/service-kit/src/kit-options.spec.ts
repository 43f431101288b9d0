import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, serviceEnvSchema } from '@feedback/config';
import { kafkaClientConfig } from '@feedback/messaging';
import { mongooseOptions } from '@feedback/persistence';
import { kitOptions } from './service-kit.module';

const load = (env: Record<string, string>) => loadConfig(serviceEnvSchema(3003, {}), env);

describe('kitOptions: from the environment to the Kafka and MongoDB clients', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kit-options-'));
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the local stack in plaintext without credentials', () => {
    const options = kitOptions('reporting', load({}));
    const kafka = kafkaClientConfig({ brokers: options.kafkaBrokers, clientId: 'reporting', groupId: options.kafkaGroupId, ...(options.kafkaTls ? { tls: options.kafkaTls } : {}) }, () => undefined);
    expect(kafka.ssl).toBeUndefined();
    expect(kafka.sasl).toBeUndefined();
    expect(mongooseOptions({ url: options.mongoUrl, dbName: 'reporting', ...options.mongoSecurity })).not.toHaveProperty('auth');
  });

  it('wires SCRAM over TLS with a CA file, and MongoDB credentials outside the URL', () => {
    const options = kitOptions(
      'reporting',
      load({
        KAFKA_BROKERS: 'kafka-1:9093',
        KAFKA_TLS: 'true',
        KAFKA_TLS_CA_FILE: join(dir, 'ca.pem'),
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'reporting',
        KAFKA_SASL_PASSWORD: 'kafka-secret',
        MONGO_URL: 'mongodb://mongo:27017',
        MONGO_USERNAME: 'reporting',
        MONGO_PASSWORD: 'mongo-secret',
        MONGO_AUTH_SOURCE: 'admin',
        MONGO_TLS: 'true',
        MONGO_TLS_CA_FILE: join(dir, 'ca.pem'),
      }),
    );
    expect(options).toMatchObject({
      kafkaTls: { ca: expect.stringContaining('BEGIN CERTIFICATE') },
      kafkaSasl: { mechanism: 'scram-sha-512', username: 'reporting', password: 'kafka-secret' },
      mongoUrl: 'mongodb://mongo:27017',
      mongoSecurity: { auth: { username: 'reporting', password: 'mongo-secret' }, authSource: 'admin', tls: true, tlsCAFile: join(dir, 'ca.pem') },
    });
  });

  it('stops the boot with a ConfigError when a named file is missing', () => {
    expect(() => kitOptions('reporting', load({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: join(dir, 'missing.pem') }))).toThrow(ConfigError);
    expect(() => kitOptions('reporting', load({ MONGO_TLS: 'true', MONGO_TLS_CA_FILE: join(dir, 'missing.pem') }))).toThrow(/MONGO_TLS_CA_FILE: cannot read/);
  });
});
