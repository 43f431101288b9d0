import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';

/** How a service reaches Kafka; built from its validated config. */
export interface KafkaSettings {
  brokers: string[];
  /** Service name: the client id and the consumer group id. */
  clientId: string;
  groupId: string;
}

/** kafkajs logs through the service logger, at warn and above only (its info level is chatty). */
export function createKafka(settings: KafkaSettings, log: (level: 'error' | 'warn', message: string) => void): Kafka {
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    // Retries here cover transient broker hiccups; longer outages are handled by the consumer loop.
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const level = entry.level === logLevel.ERROR ? 'error' : 'warn';
      log(level, `kafkajs ${entry.namespace}: ${entry.log.message}`);
    },
  };
  return new Kafka(config);
}
