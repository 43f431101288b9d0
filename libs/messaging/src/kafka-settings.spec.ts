import { logLevel } from 'kafkajs';
import { kafkaClientConfig, type KafkaSettings } from './kafka-settings';

const base: KafkaSettings = { brokers: ['kafka-1:9093', 'kafka-2:9093'], clientId: 'feedback-store', groupId: 'feedback-store' };
const quiet = () => undefined;

describe('kafkaClientConfig', () => {
  it('connects in plaintext without SASL by default (the local stack)', () => {
    const config = kafkaClientConfig(base, quiet);
    expect(config).toMatchObject({ clientId: 'feedback-store', brokers: ['kafka-1:9093', 'kafka-2:9093'], logLevel: logLevel.WARN });
    expect(config.ssl).toBeUndefined();
    expect(config.sasl).toBeUndefined();
    expect(kafkaClientConfig({ ...base, tls: false }, quiet).ssl).toBeUndefined();
  });

  it('uses TLS with certificate verification, the system CAs when no CA is given', () => {
    expect(kafkaClientConfig({ ...base, tls: {} }, quiet).ssl).toEqual({ rejectUnauthorized: true });
  });

  it('passes the CA, the client certificate, its key and passphrase as PEM text', () => {
    const tls = { ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM', passphrase: 'unlock' };
    expect(kafkaClientConfig({ ...base, tls }, quiet).ssl).toEqual({ rejectUnauthorized: true, ca: ['CA PEM'], cert: 'CERT PEM', key: 'KEY PEM', passphrase: 'unlock' });
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('authenticates with SASL %s', (mechanism) => {
    const config = kafkaClientConfig({ ...base, tls: {}, sasl: { mechanism, username: 'svc', password: 'secret' } }, quiet);
    expect(config.sasl).toEqual({ mechanism, username: 'svc', password: 'secret' });
    expect(config.ssl).toEqual({ rejectUnauthorized: true });
  });

  it('forwards kafkajs log entries by level, message only', () => {
    const lines: string[] = [];
    const config = kafkaClientConfig({ ...base, sasl: { mechanism: 'plain', username: 'svc', password: 'secret' } }, (level, message) => lines.push(`${level} ${message}`));
    const logger = config.logCreator!(logLevel.WARN);
    logger({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: '', message: 'Connection error', sasl: config.sasl } as never });
    logger({ namespace: 'Consumer', level: logLevel.WARN, label: 'WARN', log: { timestamp: '', message: 'Rebalancing' } as never });
    expect(lines).toEqual(['error kafkajs Connection: Connection error', 'warn kafkajs Consumer: Rebalancing']);
  });
});
