import { logLevel, type Kafka, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import { newKafka } from './kafka-client';

/** SASL credentials; kafkajs' mechanism names. */
export interface KafkaSasl {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

/** TLS to the brokers: the CA and client certificate as PEM text, each optional (system CAs, no client certificate). */
export interface KafkaTls {
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
}

/** How a service reaches Kafka; built from its validated config. */
export interface KafkaSettings {
  brokers: string[];
  /** Service name: the client id and the consumer group id. */
  clientId: string;
  groupId: string;
  /** false or absent: plaintext (the local stack). */
  tls?: KafkaTls | false;
  sasl?: KafkaSasl;
}

type KafkaLog = (level: 'error' | 'warn', message: string) => void;

/**
 * The kafkajs client configuration (pure, so it can be tested). TLS always
 * verifies the brokers' certificates; SASL works with or without TLS (the
 * config refuses PLAIN without TLS in production).
 */
export function kafkaClientConfig(settings: KafkaSettings, log: KafkaLog): KafkaConfig {
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    // Retries here cover transient broker hiccups; longer outages are handled by the consumer loop.
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10000 },
    logLevel: logLevel.WARN,
    // kafkajs' entries carry no credentials; only the message is forwarded.
    logCreator: () => (entry: LogEntry) => {
      const level = entry.level === logLevel.ERROR ? 'error' : 'warn';
      log(level, `kafkajs ${entry.namespace}: ${entry.log.message}`);
    },
  };
  if (settings.tls) {
    const { ca, cert, key, passphrase } = settings.tls;
    config.ssl = {
      rejectUnauthorized: true,
      ...(ca !== undefined ? { ca: [ca] } : {}),
      ...(cert !== undefined ? { cert } : {}),
      ...(key !== undefined ? { key } : {}),
      ...(passphrase !== undefined ? { passphrase } : {}),
    };
  }
  if (settings.sasl) config.sasl = saslOptions(settings.sasl);
  return config;
}

function saslOptions(sasl: KafkaSasl): SASLOptions {
  // One branch per mechanism: kafkajs types each one separately.
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username: sasl.username, password: sasl.password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username: sasl.username, password: sasl.password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username: sasl.username, password: sasl.password };
  }
}

/** kafkajs logs through the service logger, at warn and above only (its info level is chatty). */
export function createKafka(settings: KafkaSettings, log: KafkaLog): Kafka {
  return newKafka(kafkaClientConfig(settings, log));
}
