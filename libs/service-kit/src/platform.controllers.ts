import { Controller, Get, Header, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { Admin } from 'kafkajs';
import type { Connection } from 'mongoose';
import { PublicRoute } from '@feedback/auth';
import { KafkaEventServer } from '@feedback/messaging';
import { metricsRegistry } from '@feedback/observability';
import { unhealthy } from './health-report';

/** A kafkajs admin kept connected for health probes. */
export abstract class KafkaAdmin {
  abstract readonly admin: Admin;
}

/** A dependency a service adds to its /health (e.g. notifications' mail server). */
export interface HealthContributor {
  readonly name: string;
  /** Resolves with details when up; throws (or times out) when down. */
  check(): Promise<Record<string, unknown> | void>;
}

/** Where a service's own modules register extra health checks. */
@Injectable()
export class HealthRegistry {
  readonly contributors: HealthContributor[] = [];

  register(contributor: HealthContributor): void {
    this.contributors.push(contributor);
  }
}

@Injectable()
export class InfrastructureHealth {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly kafkaAdmin: KafkaAdmin,
    private readonly server: KafkaEventServer,
    @InjectConnection() private readonly connection: Connection,
    private readonly registry: HealthRegistry,
  ) {}

  contributed() {
    return this.registry.contributors.map((contributor) => () =>
      this.indicators
        .check(contributor.name)
        .attempt(async () => (await contributor.check()) ?? {})
        .withTimeout(3000),
    );
  }

  kafka() {
    return this.indicators
      .check('kafka')
      .attempt(async () => {
        const cluster = await this.kafkaAdmin.admin.describeCluster();
        if (!this.server.isConnected()) throw new Error('consumer is not in its group');
        return { brokers: cluster.brokers.length };
      })
      .withTimeout(3000);
  }

  mongo() {
    return this.indicators
      .check('mongo')
      .attempt(async () => {
        const db = this.connection.db;
        if (!db) throw new Error('not connected');
        await db.command({ ping: 1 });
        return { database: db.databaseName };
      })
      .withTimeout(3000);
  }
}

@ApiTags('operations')
@Controller()
export class PlatformController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly infrastructure: InfrastructureHealth,
  ) {}

  @Get('health')
  @PublicRoute()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness and readiness: 200 when Kafka, MongoDB (and the service\'s own dependencies, e.g. SMTP) are reachable, 503 otherwise' })
  @ApiOkResponse({ description: 'every dependency is up' })
  @ApiServiceUnavailableResponse({ description: '`dependency_unavailable` (or `shutting_down`): `dependencies` names each dependency, `up` or `down`' })
  async check() {
    try {
      return await this.health.check([() => this.infrastructure.kafka(), () => this.infrastructure.mongo(), ...this.infrastructure.contributed()]);
    } catch (error) {
      // terminus puts its whole report in the exception, which the error filter would reduce to "Service Unavailable".
      if (error instanceof ServiceUnavailableException) throw unhealthy(error.getResponse() as HealthCheckResult);
      throw error;
    }
  }

  @Get('metrics')
  @PublicRoute()
  @Header('Content-Type', metricsRegistry.contentType)
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiOkResponse({ description: 'Prometheus text exposition format' })
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
