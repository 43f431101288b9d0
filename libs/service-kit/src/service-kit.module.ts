import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import type { Connection } from 'mongoose';
import { AuthGuard, AuthSettings } from '@feedback/auth';
import { databaseName, kafkaSecurity, mongoSecurity, type MongoSecurity, type PlatformConfig } from '@feedback/config';
import { KeyRing, type PiiKey } from '@feedback/pii';
import { HttpErrorFilter } from '@feedback/http';
import { createKafka, EventPublisher, KafkaEventServer, ProcessedEvents, type KafkaSasl, type KafkaTls } from '@feedback/messaging';
import { consumedMessages, eventsBeingStored, HttpMetricsMiddleware, loggerModule } from '@feedback/observability';
import { MongoModule } from '@feedback/persistence';
import { Logger as PinoLogger } from 'nestjs-pino';
import { HealthRegistry, InfrastructureHealth, KafkaAdmin, PlatformController } from './platform.controllers';
import { MongoProcessedEvents } from './processed-events.repository';
import { OutboxRelay } from './outbox';

/** What every service passes in from its validated config. */
export interface ServiceKitOptions {
  service: string;
  logLevel: string;
  kafkaBrokers: string[];
  kafkaGroupId: string;
  /** TLS and SASL to the brokers (KAFKA_TLS*, KAFKA_SASL_*); plaintext when absent. */
  kafkaTls?: KafkaTls | false;
  kafkaSasl?: KafkaSasl;
  mongoUrl: string;
  /** Credentials and TLS beside the URL (MONGO_USERNAME, MONGO_PASSWORD, MONGO_AUTH_SOURCE, MONGO_TLS*). */
  mongoSecurity?: MongoSecurity;
  mongoDbPrefix: string;
  jwtSecret: string;
  piiKeys: PiiKey[];
}

/**
 * Maps the shared part of a service's validated config (DESIGN.md 3.4) to kit
 * options. Reads the PEM files the config names: one that can't be read stops
 * the boot with a ConfigError naming its variable.
 */
export function kitOptions(service: string, config: PlatformConfig): ServiceKitOptions {
  const kafka = kafkaSecurity(config);
  return {
    service,
    logLevel: config.LOG_LEVEL,
    kafkaBrokers: config.KAFKA_BROKERS,
    kafkaGroupId: config.KAFKA_GROUP_ID ?? service,
    kafkaTls: kafka.tls,
    ...(kafka.sasl ? { kafkaSasl: kafka.sasl } : {}),
    mongoUrl: config.MONGO_URL,
    mongoSecurity: mongoSecurity(config),
    mongoDbPrefix: config.MONGO_DB_PREFIX,
    jwtSecret: config.AUTH_JWT_SECRET,
    piiKeys: config.PII_ENCRYPTION_KEYS,
  };
}

const KAFKA = Symbol('kafka');

/**
 * The platform wiring every service shares: logs, metrics, /health, its own
 * database, Kafka publishing and consuming, the auth guard and the error filter.
 * Services import it once and add only their own feature modules.
 */
@Global()
@Module({})
export class ServiceKitModule implements NestModule, OnApplicationShutdown {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly kafkaAdmin: KafkaAdmin,
  ) {}

  static forRoot(options: ServiceKitOptions): DynamicModule {
    return {
      module: ServiceKitModule,
      imports: [
        loggerModule(options.service, options.logLevel),
        MongoModule.forRoot({ url: options.mongoUrl, dbName: databaseName(options.mongoDbPrefix, options.service), ...options.mongoSecurity }),
        TerminusModule,
      ],
      controllers: [PlatformController],
      providers: [
        { provide: AuthSettings, useValue: { jwtSecret: options.jwtSecret } },
        { provide: KeyRing, useValue: new KeyRing(options.piiKeys) },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        {
          provide: KAFKA,
          inject: [PinoLogger],
          useFactory: (logger: PinoLogger) =>
            createKafka(
              {
                brokers: options.kafkaBrokers,
                clientId: options.service,
                groupId: options.kafkaGroupId,
                ...(options.kafkaTls ? { tls: options.kafkaTls } : {}),
                ...(options.kafkaSasl ? { sasl: options.kafkaSasl } : {}),
              },
              (level, message) => logger[level](message),
            ),
        },
        { provide: EventPublisher, inject: [KAFKA], useFactory: (kafka) => new EventPublisher(kafka, options.service) },
        {
          provide: KafkaAdmin,
          inject: [KAFKA],
          useFactory: async (kafka: ReturnType<typeof createKafka>) => {
            const admin = kafka.admin();
            // Connect lazily: a service must boot (and report unhealthy) while the broker is down.
            admin.connect().catch(() => undefined);
            return { admin };
          },
        },
        { provide: ProcessedEvents, inject: [getConnectionToken()], useFactory: (connection: Connection) => new MongoProcessedEvents(connection) },
        {
          provide: KafkaEventServer,
          inject: [KAFKA, EventPublisher, ProcessedEvents],
          useFactory: (kafka, publisher: EventPublisher, processed: ProcessedEvents) =>
            new KafkaEventServer({
              kafka,
              groupId: options.kafkaGroupId,
              publisher,
              processed,
              onOutcome: (outcome, topic) => consumedMessages.inc({ topic, outcome }),
              onEventsBeingStored: (events) => eventsBeingStored.set(events),
            }),
        },
        InfrastructureHealth,
        HealthRegistry,
        OutboxRelay,
      ],
      exports: [EventPublisher, KafkaEventServer, ProcessedEvents, AuthSettings, KeyRing, OutboxRelay, HealthRegistry],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.kafkaAdmin.admin.disconnect().catch(() => undefined);
    await this.publisher.disconnect().catch(() => undefined);
  }
}
